using System.Text.Json;

namespace Axolotl.ApiServer.Metrics;

/// <summary>What kube-state-metrics reads from one pod, parsed once per scrape straight from the stored JSON.</summary>
internal sealed record KubeStatePod(
    string Namespace, string Name, string Uid, string Node, string HostIp, string PodIp, string Phase, string? Ready,
    string OwnerKind, string OwnerName, string OwnerIsController, string PriorityClass, bool HostNetwork, long Created,
    IReadOnlyList<KubeStateContainer> Containers)
{
    public static KubeStatePod Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var meta = Obj(root, "metadata");
        var spec = Obj(root, "spec");
        var status = Obj(root, "status");
        var owner = Arr(meta, "ownerReferences").FirstOrDefault();
        string? ready = null;
        foreach (var condition in Arr(status, "conditions"))
        {
            if (Str(condition, "type") == "Ready")
            {
                ready = Str(condition, "status");
            }
        }
        var specImages = Arr(spec, "containers").DistinctBy(c => Str(c, "name")).ToDictionary(c => Str(c, "name"), c => Str(c, "image"), StringComparer.Ordinal);
        // A container listed twice (a hostile or buggy status writer) would be a duplicate series: the first wins.
        var containers = Arr(status, "containerStatuses").Select(c => KubeStateContainer.Parse(c, specImages)).DistinctBy(c => c.Name).ToList();
        var created = DateTimeOffset.TryParse(Str(meta, "creationTimestamp"), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at.ToUnixTimeSeconds() : 0;
        return new(Str(meta, "namespace"), Str(meta, "name"), Str(meta, "uid"), Str(spec, "nodeName"), Str(status, "hostIP"), Str(status, "podIP"),
            Str(status, "phase"), ready,
            owner.ValueKind == JsonValueKind.Object ? Str(owner, "kind") : "<none>",
            owner.ValueKind == JsonValueKind.Object ? Str(owner, "name") : "<none>",
            owner.ValueKind == JsonValueKind.Object ? (owner.TryGetProperty("controller", out var c) && c.ValueKind == JsonValueKind.True ? "true" : "false") : "<none>",
            Str(spec, "priorityClassName"), spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("hostNetwork", out var h) && h.ValueKind == JsonValueKind.True,
            created, containers);
    }

    internal static JsonElement Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    internal static IEnumerable<JsonElement> Arr(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList() : [];

    internal static string Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    internal static long Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}

/// <summary>One container status: its state now and the reason it last terminated.</summary>
internal sealed record KubeStateContainer(
    string Name, string ImageSpec, string Image, string ImageId, string ContainerId, long Restarts, bool Ready,
    string State, string? StateReason, string? LastTerminatedReason, long? LastExitCode)
{
    public static KubeStateContainer Parse(JsonElement c, IReadOnlyDictionary<string, string> specImages)
    {
        var name = KubeStatePod.Str(c, "name");
        var state = KubeStatePod.Obj(c, "state");
        var (kind, reason) = state.ValueKind != JsonValueKind.Object ? ("waiting", null)
            : KubeStatePod.Obj(state, "waiting") is { ValueKind: JsonValueKind.Object } w ? ("waiting", KubeStatePod.Str(w, "reason"))
            : KubeStatePod.Obj(state, "terminated") is { ValueKind: JsonValueKind.Object } t ? ("terminated", KubeStatePod.Str(t, "reason"))
            : KubeStatePod.Obj(state, "running").ValueKind == JsonValueKind.Object ? ("running", (string?)null) : ("waiting", null);
        var last = KubeStatePod.Obj(KubeStatePod.Obj(c, "lastState"), "terminated");
        return new(name, specImages.GetValueOrDefault(name, ""), KubeStatePod.Str(c, "image"), KubeStatePod.Str(c, "imageID"), KubeStatePod.Str(c, "containerID"),
            KubeStatePod.Num(c, "restartCount"), c.TryGetProperty("ready", out var r) && r.ValueKind == JsonValueKind.True,
            kind, string.IsNullOrEmpty(reason) ? null : reason,
            last.ValueKind == JsonValueKind.Object ? KubeStatePod.Str(last, "reason") : null,
            last.ValueKind == JsonValueKind.Object ? KubeStatePod.Num(last, "exitCode") : null);
    }
}
