using System.Text.Json.Nodes;
using System.Threading.Channels;
using Axolotl.Api.FlowControl;
using Axolotl.Api.Scheme;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Writes each FlowSchema's Dangling condition (upstream's config controller does the same): True,
/// reason NotFound, when its priority level does not exist; False, reason Found, when it does. Runs after
/// every configuration change; a write that changes nothing is not made, so its own writes settle.
/// </summary>
public sealed partial class DanglingConditionWriter(Registry.ObjectStore objects, FlowControlConfigCache config, TimeProvider clock, ILogger<DanglingConditionWriter> logger)
{
    // Capacity 1, newest wins: a burst of changes needs one pass over the latest configuration.
    private readonly Channel<FlowControlConfiguration> _changes = Channel.CreateBounded<FlowControlConfiguration>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });

    public async Task StartAsync(CancellationToken stopping)
    {
        config.Changed += c => _changes.Writer.TryWrite(c);
        _changes.Writer.TryWrite(config.Current);
        try
        {
            await foreach (var current in _changes.Reader.ReadAllAsync(stopping))
            {
                foreach (var schema in current.Schemas)
                {
                    try
                    {
                        await WriteAsync(schema, current.IsDangling(schema), stopping);
                    }
                    catch (Errors.ApiException e)
                    {
                        // Deleted or changed meanwhile: the change that did it brings another pass.
                        LogFailed(logger, e, schema.Metadata.Name ?? "");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(FlowSchema schema, bool dangling, CancellationToken ct)
    {
        var status = dangling ? "True" : "False";
        var existing = schema.Status?.Conditions?.FirstOrDefault(c => c.Type == FlowControlCondition.Dangling);
        if (existing?.Status == status)
        {
            return;
        }
        var name = schema.Metadata.Name ?? "";
        if (await objects.GetAsync(KnownResources.FlowSchemas, null, name, ct) is not { } current)
        {
            return;
        }
        var level = schema.Spec?.PriorityLevelConfiguration?.Name ?? "";
        var condition = new JsonObject
        {
            ["type"] = FlowControlCondition.Dangling,
            ["status"] = status,
            ["lastTransitionTime"] = clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["reason"] = dangling ? "NotFound" : "Found",
            ["message"] = dangling
                ? $"This FlowSchema references the PriorityLevelConfiguration object named \"{level}\" but there is no such object"
                : $"This FlowSchema references the PriorityLevelConfiguration object named \"{level}\" and it exists",
        };
        var updated = (JsonObject)current.Object.DeepClone();
        var statusNode = updated["status"] as JsonObject ?? [];
        var conditions = new JsonArray([.. (statusNode["conditions"] as JsonArray ?? []).Where(c => c?["type"]?.GetValue<string>() != FlowControlCondition.Dangling).Select(c => c?.DeepClone())]);
        conditions.Add(condition);
        statusNode["conditions"] = conditions;
        updated["status"] = statusNode;
        await objects.UpdateAsync(KnownResources.FlowSchemas, updated, current.Revision, ct);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "flow control: could not write the Dangling condition of FlowSchema {Name}")]
    private static partial void LogFailed(ILogger logger, Exception e, string name);
}
