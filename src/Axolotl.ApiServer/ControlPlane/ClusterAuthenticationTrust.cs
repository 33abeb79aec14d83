using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.ControlPlane;

/// <summary>
/// kube-apiserver's cluster authentication trust controller: keeps kube-system/extension-apiserver-authentication
/// holding <see cref="ClusterAuthenticationInfo.Combine"/> of what it holds and what this server requires. Run once
/// before the server serves and then every <see cref="Interval"/> (upstream's resync), so a ConfigMap someone deleted
/// or emptied comes back. Who may read it: the extension-apiserver-authentication-reader Role in kube-system.
/// </summary>
public sealed partial class ClusterAuthenticationTrust(ObjectStore objects, AdmissionChain admission, TimeProvider clock, ILogger logger, ClusterAuthenticationInfo required)
{
    public const string Namespace = "kube-system";
    public const string ConfigMapName = "extension-apiserver-authentication";

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public Task RunAsync(CancellationToken ct) => PeriodicReconcile.RunAsync(Interval, clock, ReconcileAsync, e => LogFailed(logger, e), ct);

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var type = KnownResources.ConfigMaps;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await objects.GetAsync(type, Namespace, ConfigMapName, ct);
            var existing = (current?.Object["data"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
            var data = ClusterAuthenticationInfo.Combine(existing, required, clock.GetUtcNow());
            var dataNode = new JsonObject(data.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
            try
            {
                if (current is null)
                {
                    var created = new JsonObject
                    {
                        ["apiVersion"] = "v1",
                        ["kind"] = "ConfigMap",
                        ["metadata"] = new JsonObject { ["name"] = ConfigMapName, ["namespace"] = Namespace },
                        ["data"] = dataNode,
                    };
                    ObjectMetaRules.PrepareForCreate(type, created, clock.GetUtcNow());
                    await objects.CreateAsync(type, admission.Admit(type, created, null, FieldValidationMode.Strict, []), ct);
                    LogWritten(logger);
                    return;
                }
                if (existing is not null && existing.Count == data.Count && data.All(p => existing.GetValueOrDefault(p.Key) == p.Value))
                {
                    return;
                }
                var updated = current.Object.DeepClone().AsObject();
                updated["data"] = dataNode;
                ObjectMetaRules.PrepareForUpdate(updated, current.Object);
                await objects.UpdateAsync(type, admission.Admit(type, updated, current.Object, FieldValidationMode.Strict, []), current.Revision, ct);
                LogWritten(logger);
                return;
            }
            catch (ApiException e) when (e.Code == 409)
            {
                // Written concurrently (another server of the cluster): read again.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "wrote kube-system/extension-apiserver-authentication")]
    private static partial void LogWritten(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "keeping kube-system/extension-apiserver-authentication current failed; trying again next round")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
