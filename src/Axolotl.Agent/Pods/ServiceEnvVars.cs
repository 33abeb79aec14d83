using System.Globalization;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>
/// The environment variables the kubelet gives every container for Services (upstream's
/// getServiceEnvVarMap and envvars.FromServices): the <c>kubernetes</c> Service of <c>default</c>
/// always, and with enableServiceLinks every Service of the pod's namespace that has a cluster IP,
/// each as {SVC}_SERVICE_HOST, {SVC}_SERVICE_PORT, {SVC}_SERVICE_PORT_{NAME} for named ports and the
/// Docker link variables {SVC}_PORT, {SVC}_PORT_{P}_{PROTO}[_PROTO|_PORT|_ADDR].
/// </summary>
public static class ServiceEnvVars
{
    /// <summary>Upstream's masterServices: from default, for pods of every namespace.</summary>
    private static readonly HashSet<string> MasterServices = new(StringComparer.Ordinal) { "kubernetes" };

    /// <summary>The variables for a pod in <paramref name="ns"/>, in a stable order (Services by name, then upstream's per-Service order).</summary>
    public static List<KeyValuePair<string, string>> ForPod(IEnumerable<Service> services, string ns, bool enableServiceLinks)
    {
        var chosen = new SortedDictionary<string, Service>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (!HasClusterIp(service))
            {
                continue;
            }
            var name = service.Metadata.Name ?? "";
            if (service.Metadata.Namespace == "default" && MasterServices.Contains(name))
            {
                chosen.TryAdd(name, service);
            }
            else if (service.Metadata.Namespace == ns && enableServiceLinks)
            {
                chosen[name] = service;
            }
        }
        var result = new List<KeyValuePair<string, string>>();
        foreach (var service in chosen.Values)
        {
            result.AddRange(FromService(service));
        }
        return result;
    }

    /// <summary>One Service's variables, in upstream's order.</summary>
    public static IEnumerable<KeyValuePair<string, string>> FromService(Service service)
    {
        var spec = service.Spec!;
        var ports = spec.Ports ?? [];
        if (ports.Count == 0 || !HasClusterIp(service))
        {
            yield break;
        }
        var prefix = VariableName(service.Metadata.Name ?? "");
        var ip = spec.ClusterIP!;
        yield return new(prefix + "_SERVICE_HOST", ip);
        var portVar = prefix + "_SERVICE_PORT";
        yield return new(portVar, Text(ports[0].Port));
        foreach (var port in ports)
        {
            if (!string.IsNullOrEmpty(port.Name))
            {
                yield return new(portVar + "_" + VariableName(port.Name), Text(port.Port));
            }
        }
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var protocol = string.IsNullOrEmpty(port.Protocol) ? "TCP" : port.Protocol;
            var lower = protocol.ToLowerInvariant();
            var hostPort = (ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip) + ":" + Text(port.Port);
            if (i == 0)
            {
                yield return new(prefix + "_PORT", $"{lower}://{hostPort}");
            }
            var portPrefix = $"{prefix}_PORT_{Text(port.Port)}_{protocol.ToUpperInvariant()}";
            yield return new(portPrefix, $"{lower}://{hostPort}");
            yield return new(portPrefix + "_PROTO", lower);
            yield return new(portPrefix + "_PORT", Text(port.Port));
            yield return new(portPrefix + "_ADDR", ip);
        }
    }

    /// <summary>Upstream's makeEnvVariableName: upper case, '-' to '_'.</summary>
    public static string VariableName(string name) => name.Replace('-', '_').ToUpperInvariant();

    private static bool HasClusterIp(Service service) =>
        service.Spec is { ClusterIP: { Length: > 0 } ip } && ip != "None";

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
