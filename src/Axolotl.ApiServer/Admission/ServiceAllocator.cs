using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Axolotl.Api.Net;
using Axolotl.Api.Scheme;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Gives Services their cluster IP (from the service CIDR, 10.96.0.0/16 by default) and node ports
/// (30000–32767), as upstream's service registry does, and rejects requested ones that are taken or
/// out of range. What is taken is read from the stored Services, so nothing leaks when a Service is
/// deleted.
/// </summary>
public sealed class ServiceAllocator
{
    public const int NodePortMin = 30000;
    public const int NodePortMax = 32767;
    public const string DefaultServiceCidr = "10.96.0.0/16";

    private readonly ObjectStore _objects;
    private readonly ServiceRangeClaims _claims;
    private readonly uint _network;
    private readonly uint _size;
    private readonly HashSet<string> _reserved;

    /// <param name="serviceCidr">An IPv4 CIDR with a prefix of 12 to 30 bits (upstream refuses ranges larger than /12).</param>
    public ServiceAllocator(ObjectStore objects, string serviceCidr = DefaultServiceCidr, TimeProvider? clock = null)
    {
        _objects = objects;
        _claims = new ServiceRangeClaims(objects, clock ?? TimeProvider.System);
        (_network, var prefix) = ParseCidr(serviceCidr);
        _size = 1u << (32 - prefix);
        ServiceCidr = $"{Ipv4Cidr.Format(_network)}/{prefix}";
        // The network and broadcast addresses, the first address (the API server's own "kubernetes"
        // Service) and the tenth (the cluster DNS): upstream's conventions, relative to the range.
        _reserved = [Ipv4Cidr.Format(_network), Ipv4Cidr.Format(_network + 1), Ipv4Cidr.Format(_network + 10), Ipv4Cidr.Format(_network + _size - 1)];
    }

    /// <summary>The range in canonical form, e.g. 10.96.0.0/16.</summary>
    public string ServiceCidr { get; }

    /// <summary>Parses an IPv4 CIDR for a service range; throws ArgumentException with a user-facing message.</summary>
    public static (uint Network, int Prefix) ParseCidr(string cidr) => ServiceRange.Parse(cidr);

    /// <summary>
    /// Fills in (or checks) the Service's cluster IP and node ports. With <paramref name="reserve"/> (every real
    /// write; not a dry run) each value is also claimed in the store (<see cref="ServiceRangeClaims"/>), so two
    /// concurrent requests, on one API server or several, never get the same one: a value picked here that another
    /// claimed first is replaced by another pick, a requested one is "already allocated".
    /// </summary>
    public async Task AllocateAsync(JsonObject service, JsonObject? old, CancellationToken ct, bool reserve = true)
    {
        var spec = service["spec"] as JsonObject;
        if (spec is null)
        {
            return;
        }
        var meta = ObjectMetaRules.Meta(service);
        var name = ObjectMetaRules.Str(meta, "name") ?? "";
        var self = $"{ObjectMetaRules.Str(meta, "namespace")}/{name}";
        var requested = spec.DeepClone().AsObject();
        var lost = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; ; attempt++)
        {
            var (usedIps, usedPorts) = await UsedAsync(self, ct);
            var (avoidIps, avoidPorts) = reserve ? await _claims.ClaimedAsync(ct) : (new HashSet<string>(StringComparer.Ordinal), new HashSet<int>());
            avoidIps.UnionWith(lost.Where(k => k.StartsWith("ip:", StringComparison.Ordinal)).Select(k => k[3..]));
            avoidPorts.UnionWith(lost.Where(k => k.StartsWith("port:", StringComparison.Ordinal)).Select(k => int.Parse(k[5..], System.Globalization.CultureInfo.InvariantCulture)));
            var errors = Allocate(spec, usedIps, usedPorts, avoidIps, avoidPorts, old);
            if (errors.Count > 0)
            {
                throw ApiErrors.Invalid(KnownResources.Services, name, errors);
            }
            if (!reserve)
            {
                return;
            }
            var taken = await ClaimAsync(spec, requested, self, old, ct);
            if (taken.Errors.Count > 0)
            {
                throw ApiErrors.Invalid(KnownResources.Services, name, taken.Errors);
            }
            if (taken.LostPicks.Count == 0)
            {
                return;
            }
            if (attempt >= 8)
            {
                throw ApiErrors.Conflict(KnownResources.Services, name, "the service ranges are being allocated by many requests at once; try again");
            }
            // Another request claimed what this one picked: pick again from the original request.
            lost.UnionWith(taken.LostPicks);
            spec.Clear();
            foreach (var (key, value) in requested)
            {
                spec[key] = value?.DeepClone();
            }
        }
    }

    /// <param name="avoidIps">Values to skip when picking (claimed: by requests in flight, or by Services gone), never checked against requested ones.</param>
    private List<FieldError> Allocate(JsonObject spec, HashSet<string> usedIps, HashSet<int> usedPorts, HashSet<string> avoidIps, HashSet<int> avoidPorts, JsonObject? old)
    {
        var type = ObjectMetaRules.Str(spec, "type") ?? "ClusterIP";
        var errors = new List<FieldError>();
        if (type != "ExternalName")
        {
            AllocateClusterIp(spec, usedIps, avoidIps, errors);
        }
        if (type is "NodePort" or "LoadBalancer" && spec["ports"] is JsonArray ports)
        {
            AllocateNodePorts(ports, usedPorts, avoidPorts, old, errors);
        }
        else if (spec["ports"] is JsonArray clusterPorts)
        {
            foreach (var port in clusterPorts.OfType<JsonObject>())
            {
                port.Remove("nodePort");
            }
        }
        return errors;
    }

    /// <summary>
    /// Claims every value the Service now has. A requested value another Service holds is "already allocated";
    /// a picked one is reported lost (picked again by the caller). Claims made here are given back on failure.
    /// </summary>
    private async Task<(List<FieldError> Errors, List<string> LostPicks)> ClaimAsync(JsonObject spec, JsonObject requested, string self, JsonObject? old, CancellationToken ct)
    {
        var wanted = new List<(string Key, string Tag, bool Requested, string Path, JsonNode Value)>();
        if (ObjectMetaRules.Str(spec, "clusterIP") is { Length: > 0 } ip && ip != "None" && ObjectMetaRules.Str(spec, "type") != "ExternalName")
        {
            wanted.Add((ServiceRangeClaims.IpKey(ip), "ip:" + ip, ObjectMetaRules.Str(requested, "clusterIP") is { Length: > 0 }, "spec.clusterIPs", new JsonArray(ip)));
        }
        var requestedPorts = (requested["ports"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var ports = (spec["ports"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i]["nodePort"] is JsonValue v && v.TryGetValue(out int nodePort))
            {
                var asked = i < requestedPorts.Count && requestedPorts[i]["nodePort"] is JsonValue r && r.TryGetValue(out int p) && p != 0;
                wanted.Add((ServiceRangeClaims.PortKey(nodePort), "port:" + nodePort.ToString(System.Globalization.CultureInfo.InvariantCulture), asked,
                    $"spec.ports[{i}].nodePort", JsonValue.Create(nodePort)));
            }
        }
        var made = new List<string>();
        var errors = new List<FieldError>();
        var lost = new List<string>();
        foreach (var (key, tag, asked, path, value) in wanted)
        {
            if (await _claims.TryClaimAsync(key, self, ct))
            {
                made.Add(key);
            }
            else if (asked)
            {
                errors.Add(path == "spec.clusterIPs"
                    ? FieldError.Invalid(path, new[] { tag[3..] }, $"failed to allocate IP {tag[3..]}: provided IP is already allocated")
                    : FieldError.Invalid(path, value.GetValue<int>(), "provided port is already allocated"));
            }
            else
            {
                lost.Add(tag);
            }
        }
        if (errors.Count > 0 || lost.Count > 0)
        {
            // Keep what this Service held before the request (an update); give back what was claimed just now.
            var before = old is null ? [] : ClaimKeysOf(old);
            foreach (var key in made.Where(k => !before.Contains(k)))
            {
                await _claims.ReleaseAsync(key, self, ct);
            }
        }
        return (errors, lost);
    }

    private static HashSet<string> ClaimKeysOf(JsonObject service)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (service["spec"] is not JsonObject spec)
        {
            return keys;
        }
        if (ObjectMetaRules.Str(spec, "clusterIP") is { Length: > 0 } ip && ip != "None")
        {
            keys.Add(ServiceRangeClaims.IpKey(ip));
        }
        foreach (var port in (spec["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (port["nodePort"] is JsonValue v && v.TryGetValue(out int nodePort))
            {
                keys.Add(ServiceRangeClaims.PortKey(nodePort));
            }
        }
        return keys;
    }

    private void AllocateClusterIp(JsonObject spec, HashSet<string> used, HashSet<string> avoid, List<FieldError> errors)
    {
        var requested = ObjectMetaRules.Str(spec, "clusterIP");
        if (requested == "None")
        {
            spec["clusterIPs"] = new JsonArray("None");
            return;
        }
        if (string.IsNullOrEmpty(requested))
        {
            // Unclaimed first; a range full of claims falls back to the stale ones (reclaimed by the claim step).
            requested = TryPickFreeIp([.. used, .. avoid]) ?? PickFreeIp(used);
        }
        else if (!IPAddress.TryParse(requested, out var ip) || !InServiceRange(ip))
        {
            errors.Add(FieldError.Invalid("spec.clusterIPs", new[] { requested },
                $"failed to allocate IP {requested}: provided IP is not in the valid range. The range of valid IPs is {ServiceCidr}"));
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

    private static void AllocateNodePorts(JsonArray ports, HashSet<int> used, HashSet<int> avoid, JsonObject? old, List<FieldError> errors)
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
                var free = PickFreePort([.. used, .. avoid], mine) ?? PickFreePort(used, mine);
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
        var ips = new HashSet<string>(_reserved, StringComparer.Ordinal);
        var ports = new HashSet<int>();
        var list = await _objects.ListAsync(KnownResources.Services, null, 0, null, ct);
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

    private bool InServiceRange(IPAddress ip) =>
        ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && Ipv4Cidr.ToUInt(ip) - _network < _size;

    private string PickFreeIp(HashSet<string> used) =>
        TryPickFreeIp(used) ?? throw ApiErrors.Make(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full");

    private string? TryPickFreeIp(HashSet<string> used)
    {
        // Random probes first (cheap while the range is sparse), then a scan so a nearly full range still finds the gap.
        var hosts = (int)Math.Min(_size - 2, int.MaxValue - 1);
        for (var attempt = 0; attempt < 4096; attempt++)
        {
            var candidate = Ipv4Cidr.Format(_network + 1 + (uint)RandomNumberGenerator.GetInt32(hosts));
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
        for (var n = 1u; n < _size - 1; n++)
        {
            var candidate = Ipv4Cidr.Format(_network + n);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
        return null;
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
