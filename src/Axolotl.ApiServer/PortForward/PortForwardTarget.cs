using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.NodeProxy;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.PortForward;

/// <summary>The pod one forwarded connection goes to, and the agent that runs it.</summary>
public sealed record PortForwardTarget(string Namespace, string Pod, string Uid, string PodIp, string NodeName, string AgentHost, int AgentPort)
{
    public Uri AgentUrl(int port)
    {
        var host = AgentHost.Contains(':', StringComparison.Ordinal) ? $"[{AgentHost}]" : AgentHost;
        return new Uri($"wss://{host}:{AgentPort}/portForward/{Uri.EscapeDataString(Namespace)}/{Uri.EscapeDataString(Pod)}" +
            $"?port={port}&uid={Uri.EscapeDataString(Uid)}&podIP={Uri.EscapeDataString(PodIp)}");
    }

    internal static async Task<PortForwardTarget> FromPodAsync(ObjectStore objects, JsonObject pod, CancellationToken ct)
    {
        var meta = pod["metadata"] as JsonObject ?? [];
        var ns = meta["namespace"]?.GetValue<string>() ?? "";
        var name = meta["name"]?.GetValue<string>() ?? "";
        var spec = pod["spec"] as JsonObject ?? [];
        // Any container will do: the kubelet endpoint is found through the pod's node, not the container.
        var container = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => c["name"]?.GetValue<string>()).FirstOrDefault() ?? "";
        var kubelet = await KubeletTarget.ResolveAsync(objects, ns, name, container, ct);
        var podIp = pod["status"]?["podIP"]?.GetValue<string>();
        if (string.IsNullOrEmpty(podIp))
        {
            throw ApiErrors.BadRequest($"pod {name} has no IP address yet");
        }
        return new PortForwardTarget(ns, name, meta["uid"]?.GetValue<string>() ?? "", podIp, kubelet.NodeName, kubelet.Host, kubelet.Port);
    }

    internal static async Task<JsonObject> LoadPodAsync(ObjectStore objects, string ns, string name, CancellationToken ct) =>
        (await objects.GetAsync(KnownResources.Pods, ns, name, ct))?.Object ?? throw ApiErrors.NotFound(KnownResources.Pods, name);
}
