using System.Globalization;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.NodeProxy;

/// <summary>
/// Where a pod's logs and exec are served: the agent of the pod's node (its InternalIP and
/// daemonEndpoints.kubeletEndpoint.Port), and the container the request is about.
/// </summary>
public sealed record KubeletTarget(string NodeName, string Host, int Port, string Namespace, string Pod, string Container)
{
    /// <summary>The kubelet's default port, used when the Node does not publish one.</summary>
    public const int DefaultPort = 10250;

    // core/v1 DaemonEndpoint's field is capitalised on the wire ("Port"), unlike every other field.
    private const string DaemonEndpointPortField = "Port";

    public Uri Url(string scheme, string endpoint, string query) =>
        new($"{scheme}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}/{endpoint}/" +
            $"{Uri.EscapeDataString(Namespace)}/{Uri.EscapeDataString(Pod)}/{Uri.EscapeDataString(Container)}{query}");

    /// <summary>Loads the pod and its node, with upstream's errors for each way that can fail.</summary>
    public static async Task<KubeletTarget> ResolveAsync(ObjectStore objects, string ns, string name, string? container, CancellationToken ct)
    {
        var pod = (await objects.GetAsync(KnownResources.Pods, ns, name, ct))?.Object
            ?? throw ApiErrors.NotFound(KnownResources.Pods, name);
        var spec = pod["spec"] as JsonObject ?? [];
        var chosen = ChooseContainer(name, spec, container);
        if (spec["nodeName"]?.GetValue<string>() is not { Length: > 0 } nodeName)
        {
            throw ApiErrors.BadRequest($"pod {name} does not have a host assigned");
        }
        var node = (await objects.GetAsync(KnownResources.Nodes, null, nodeName, ct))?.Object
            ?? throw ApiErrors.NotFound(KnownResources.Nodes, nodeName);
        var status = node["status"] as JsonObject ?? [];
        var addresses = (status["addresses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var host = Address(addresses, "InternalIP") ?? Address(addresses, "Hostname") ?? addresses.Select(a => a["address"]?.GetValue<string>()).FirstOrDefault(a => !string.IsNullOrEmpty(a))
            ?? throw ApiErrors.Make(503, "ServiceUnavailable", $"no preferred addresses found; known addresses: []");
        var port = status["daemonEndpoints"]?["kubeletEndpoint"]?[DaemonEndpointPortField]?.GetValue<int>() is > 0 and var p ? p : DefaultPort;
        return new KubeletTarget(nodeName, host, port, ns, name, chosen);
    }

    /// <summary>The agent's address and port as a Node publishes them; null when it publishes no address.</summary>
    public static (string Host, int Port)? Endpoint(JsonObject node)
    {
        var status = node["status"] as JsonObject ?? [];
        var addresses = (status["addresses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var host = Address(addresses, "InternalIP") ?? Address(addresses, "Hostname");
        var port = status["daemonEndpoints"]?["kubeletEndpoint"]?[DaemonEndpointPortField]?.GetValue<int>() is > 0 and var p ? p : DefaultPort;
        return host is null ? null : (host, port);
    }

    /// <summary>nodes/NAME/proxy: the node's agent itself (no pod), for its /metrics, /metrics/resource and /metrics/cadvisor.</summary>
    public static async Task<KubeletTarget> ResolveNodeAsync(ObjectStore objects, string nodeName, CancellationToken ct)
    {
        var node = (await objects.GetAsync(KnownResources.Nodes, null, nodeName, ct))?.Object
            ?? throw ApiErrors.NotFound(KnownResources.Nodes, nodeName);
        var status = node["status"] as JsonObject ?? [];
        var addresses = (status["addresses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var host = Address(addresses, "InternalIP") ?? Address(addresses, "Hostname") ?? addresses.Select(a => a["address"]?.GetValue<string>()).FirstOrDefault(a => !string.IsNullOrEmpty(a))
            ?? throw ApiErrors.Make(503, "ServiceUnavailable", $"no preferred addresses found; known addresses: []");
        var port = status["daemonEndpoints"]?["kubeletEndpoint"]?[DaemonEndpointPortField]?.GetValue<int>() is > 0 and var p ? p : DefaultPort;
        return new KubeletTarget(nodeName, host, port, "", "", "");
    }

    /// <summary>A path on the node's agent, as given after nodes/NAME/proxy.</summary>
    public Uri NodeUrl(string path, string query) =>
        new($"https://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}{(path.Length == 0 ? "/" : path)}{query}");

    /// <summary>Upstream's defaulting: the only container, else the caller must name one that exists.</summary>
    internal static string ChooseContainer(string pod, JsonObject spec, string? requested)
    {
        var containers = Names(spec, "containers");
        if (string.IsNullOrEmpty(requested))
        {
            if (containers.Count == 1)
            {
                return containers[0];
            }
            var init = Names(spec, "initContainers");
            var message = $"a container name must be specified for pod {pod}, choose one of: [{string.Join(' ', containers)}]";
            if (init.Count > 0)
            {
                message += $" or one of the init containers: [{string.Join(' ', init)}]";
            }
            throw ApiErrors.BadRequest(message);
        }
        if (!containers.Concat(Names(spec, "initContainers")).Concat(Names(spec, "ephemeralContainers")).Contains(requested, StringComparer.Ordinal))
        {
            throw ApiErrors.BadRequest($"container {requested} is not valid for pod {pod}");
        }
        return requested;
    }

    private static List<string> Names(JsonObject spec, string field) =>
        [.. (spec[field] as JsonArray ?? []).OfType<JsonObject>().Select(c => c["name"]?.GetValue<string>()).OfType<string>()];

    private static string? Address(List<JsonObject> addresses, string type) =>
        addresses.Where(a => a["type"]?.GetValue<string>() == type).Select(a => a["address"]?.GetValue<string>()).FirstOrDefault(a => !string.IsNullOrEmpty(a));
}
