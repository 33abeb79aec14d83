using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Rest;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Gives Services their cluster IP (10.96.0.0/16) and node ports (30000–32767), as upstream's service
/// registry does, and rejects requested ones that are taken or out of range. What is taken is read
/// from the stored Services, so nothing leaks when a Service is deleted.
/// </summary>
public sealed class ServiceAllocator(ObjectStore objects)
{
    public const int NodePortMin = 30000;
    public const int NodePortMax = 32767;

    // 10.96.0.1 is the API server's own service address and 10.96.0.10 the cluster DNS, upstream's conventions.
    private static readonly HashSet<string> Reserved = ["10.96.0.0", "10.96.0.1", "10.96.0.10", "10.96.255.255"];

    public async Task AllocateAsync(JsonObject service, JsonObject? old, CancellationToken ct)
    {
        var spec = service["spec"] as JsonObject;
        if (spec is null)
        {
            return;
        }
        var meta = ObjectMetaRules.Meta(service);
        var name = ObjectMetaRules.Str(meta, "name") ?? "";
        var self = $"{ObjectMetaRules.Str(meta, "namespace")}/{name}";
        var (usedIps, usedPorts) = await UsedAsync(self, ct);
        var type = ObjectMetaRules.Str(spec, "type") ?? "ClusterIP";
        var errors = new List<FieldError>();

        if (type != "ExternalName")
        {
            AllocateClusterIp(spec, usedIps, errors);
        }
        if (type is "NodePort" or "LoadBalancer" && spec["ports"] is JsonArray ports)
        {
            AllocateNodePorts(ports, usedPorts, old, errors);
        }
        else if (spec["ports"] is JsonArray clusterPorts)
        {
            foreach (var port in clusterPorts.OfType<JsonObject>())
            {
                port.Remove("nodePort");
            }
        }
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(KnownResources.Services, name, errors);
        }
    }

    private static void AllocateClusterIp(JsonObject spec, HashSet<string> used, List<FieldError> errors)
    {
        var requested = ObjectMetaRules.Str(spec, "clusterIP");
        if (requested == "None")
        {
            spec["clusterIPs"] = new JsonArray("None");
            return;
        }
        if (string.IsNullOrEmpty(requested))
        {
            requested = PickFreeIp(used);
        }
        else if (!IPAddress.TryParse(requested, out var ip) || !InServiceRange(ip))
        {
            errors.Add(FieldError.Invalid("spec.clusterIPs", new[] { requested },
                $"failed to allocate IP {requested}: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/16"));
            return;
        }
        else if (used.Contains(requested))
        {
            errors.Add(FieldError.Invalid("spec.clusterIPs", new[] { requested },
                $"failed to allocate IP {requested}: provided IP is already allocated"));
            return;
        }
        spec["clusterIP"] = requested;
        spec["clusterIPs"] = new JsonArray(requested);
    }

    private static void AllocateNodePorts(JsonArray ports, HashSet<int> used, JsonObject? old, List<FieldError> errors)
    {
        var previous = ((old?["spec"] as JsonObject)?["ports"] as JsonArray)?.OfType<JsonObject>()
            .Select(p => (int?)p["nodePort"]).Where(p => p is not null).Select(p => p!.Value).ToHashSet() ?? [];
        var mine = new HashSet<int>();
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not JsonObject port)
            {
                continue;
            }
            var requested = port["nodePort"] is JsonValue v && v.TryGetValue(out int p) && p != 0 ? p : (int?)null;
            if (requested is null)
            {
                var free = PickFreePort(used, mine);
                if (free is null)
                {
                    errors.Add(FieldError.Invalid($"spec.ports[{i}].nodePort", 0, "range is full"));
                    continue;
                }
                port["nodePort"] = free;
                mine.Add(free.Value);
                continue;
            }
            var path = $"spec.ports[{i}].nodePort";
            if (requested is < NodePortMin or > NodePortMax)
            {
                errors.Add(FieldError.Invalid(path, requested.Value,
                    $"provided port is not in the valid range. The range of valid ports is {NodePortMin}-{NodePortMax}"));
            }
            else if ((used.Contains(requested.Value) && !previous.Contains(requested.Value)) || !mine.Add(requested.Value))
            {
                errors.Add(FieldError.Invalid(path, requested.Value, "provided port is already allocated"));
            }
        }
    }

    private async Task<(HashSet<string> Ips, HashSet<int> Ports)> UsedAsync(string self, CancellationToken ct)
    {
        var ips = new HashSet<string>(Reserved, StringComparer.Ordinal);
        var ports = new HashSet<int>();
        var list = await objects.ListAsync(KnownResources.Services, null, 0, null, ct);
        foreach (var entry in list.Items)
        {
            var obj = ObjectStore.Decode(entry).Object;
            var meta = ObjectMetaRules.Meta(obj);
            if ($"{ObjectMetaRules.Str(meta, "namespace")}/{ObjectMetaRules.Str(meta, "name")}" == self)
            {
                continue;
            }
            var spec = obj["spec"] as JsonObject;
            if (spec is null)
            {
                continue;
            }
            if (ObjectMetaRules.Str(spec, "clusterIP") is { Length: > 0 } ip)
            {
                ips.Add(ip);
            }
            foreach (var port in (spec["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if (port["nodePort"] is JsonValue v && v.TryGetValue(out int nodePort))
                {
                    ports.Add(nodePort);
                }
            }
        }
        return (ips, ports);
    }

    private static bool InServiceRange(IPAddress ip)
    {
        var bytes = ip.GetAddressBytes();
        return bytes.Length == 4 && bytes[0] == 10 && bytes[1] == 96;
    }

    private static string PickFreeIp(HashSet<string> used)
    {
        for (var attempt = 0; attempt < 4096; attempt++)
        {
            var n = RandomNumberGenerator.GetInt32(1, 65535);
            var candidate = $"10.96.{n >> 8}.{n & 0xff}";
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
        for (var n = 1; n < 65535; n++)
        {
            var candidate = $"10.96.{n >> 8}.{n & 0xff}";
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
        throw ApiErrors.Make(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full");
    }

    private static int? PickFreePort(HashSet<int> used, HashSet<int> mine)
    {
        var span = NodePortMax - NodePortMin + 1;
        var start = RandomNumberGenerator.GetInt32(span);
        for (var i = 0; i < span; i++)
        {
            var candidate = NodePortMin + ((start + i) % span);
            if (!used.Contains(candidate) && !mine.Contains(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
