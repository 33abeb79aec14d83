using System.Text.Json.Nodes;
using Axolotl.Api.FlowControl;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Upstream's configuration-consistency ensurer, run once at start: every mandatory and suggested
/// FlowSchema and PriorityLevelConfiguration is created when missing; one that exists and still carries
/// apf.kubernetes.io/autoupdate-spec: "true" has its spec put back to the built-in value. An object whose
/// annotation an administrator set to "false" is left as it is (validation still pins the mandatory specs).
/// </summary>
public static partial class FlowControlBootstrapper
{
    public static async Task EnsureAsync(ObjectStore objects, AdmissionChain admission, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        foreach (var level in FlowControlBootstrap.MandatoryPriorityLevels.Concat(FlowControlBootstrap.SuggestedPriorityLevels))
        {
            await EnsureAsync(objects, admission, clock, KnownResources.PriorityLevelConfigurations, level, KubeJson.ToNode(level.Spec!), log, ct);
        }
        foreach (var schema in FlowControlBootstrap.MandatoryFlowSchemas.Concat(FlowControlBootstrap.SuggestedFlowSchemas))
        {
            await EnsureAsync(objects, admission, clock, KnownResources.FlowSchemas, schema, KubeJson.ToNode(schema.Spec!), log, ct);
        }
    }

    private static async Task EnsureAsync(ObjectStore objects, AdmissionChain admission, TimeProvider clock, ResourceType type, KubeObject wanted, JsonObject spec,
        ILogger log, CancellationToken ct)
    {
        var name = wanted.Metadata.Name!;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await objects.GetAsync(type, null, name, ct);
            try
            {
                if (current is null)
                {
                    var body = new JsonObject
                    {
                        ["apiVersion"] = type.ApiVersion,
                        ["kind"] = type.Kind,
                        ["metadata"] = new JsonObject
                        {
                            ["name"] = name,
                            ["annotations"] = new JsonObject { [PriorityLevelConfiguration.AutoUpdateAnnotation] = "true" },
                        },
                        ["spec"] = spec.DeepClone(),
                    };
                    ObjectMetaRules.PrepareForCreate(type, body, clock.GetUtcNow());
                    await objects.CreateAsync(type, admission.Admit(type, body, null, FieldValidationMode.Strict, []), ct);
                    LogCreated(log, type.Kind, name);
                    return;
                }
                var annotations = current.Object["metadata"]?["annotations"] as JsonObject;
                if (annotations?[PriorityLevelConfiguration.AutoUpdateAnnotation]?.GetValue<string>() != "true"
                    || JsonNode.DeepEquals(current.Object["spec"], spec))
                {
                    return;
                }
                var updated = (JsonObject)current.Object.DeepClone();
                updated["spec"] = spec.DeepClone();
                var meta = (JsonObject)updated["metadata"]!;
                meta["generation"] = (meta["generation"]?.GetValue<long>() ?? 1) + 1;
                await objects.UpdateAsync(type, updated, current.Revision, ct);
                LogRestored(log, type.Kind, name);
                return;
            }
            catch (Errors.ApiException e) when (e.Code == 409)
            {
                // Changed or created concurrently: read again.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "flow control bootstrap: created {Kind} {Name}")]
    private static partial void LogCreated(ILogger logger, string kind, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "flow control bootstrap: restored the built-in spec of {Kind} {Name}")]
    private static partial void LogRestored(ILogger logger, string kind, string name);
}
