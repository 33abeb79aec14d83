using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Proxy;

/// <summary>
/// Where pods/NAME/proxy and services/NAME/proxy go, resolved as kube-apiserver does: a pod's own IP
/// (and the port asked for, else its first declared container port), or a ready address of the
/// Service's Endpoints for the asked port. An endpoint address counts only when it points at a pod
/// of the same namespace that has that IP (upstream's isValidAddress): Endpoints can be written by
/// hand, and without this check they would turn the API server into a relay to any address.
/// </summary>
public sealed class ProxyLocations(ObjectStore objects)
{
    private int _next;

    public async Task<ProxyAddress> PodAsync(string ns, string id, CancellationToken ct)
    {
        var target = ProxyId.Parse(id) ?? throw ApiErrors.BadRequest($"invalid pod request \"{id}\"");
        var pod = (await objects.GetAsync(KnownResources.Pods, ns, target.Name, ct))?.Object
            ?? throw ApiErrors.NotFound(KnownResources.Pods, target.Name);
        var port = target.Port;
        if (port.Length == 0)
        {
            port = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
                .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
                .Select(p => p["containerPort"]?.GetValue<int>().ToString(CultureInfo.InvariantCulture))
                .FirstOrDefault() ?? "";
        }
        int number;
        if (port.Length == 0)
        {
            number = target.Scheme == "https" ? 443 : 80;
        }
        else if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535)
        {
            throw ApiErrors.BadRequest($"invalid pod request \"{id}\"");
        }
        var ip = pod["status"]?["podIP"]?.GetValue<string>();
        if (!IPAddress.TryParse(ip, out var address) || !ProxyAddress.IsAllowed(address))
        {
            throw ApiErrors.BadRequest("address not allowed");
        }
        return new ProxyAddress(target.Scheme, address, number);
    }

    public async Task<ProxyAddress> ServiceAsync(string ns, string id, CancellationToken ct)
    {
        var target = ProxyId.Parse(id) ?? throw ApiErrors.BadRequest($"invalid service request \"{id}\"");
        var portName = target.Port;
        // A port number names the Service port with that number; its name is what the endpoints carry.
        if (long.TryParse(portName, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            var service = (await objects.GetAsync(KnownResources.Services, ns, target.Name, ct))?.Object
                ?? throw ApiErrors.NotFound(KnownResources.Services, target.Name);
            var declared = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(p => p["port"]?.GetValue<long>() == number)
                ?? throw ApiErrors.Unavailable($"no service port {number} found for service \"{target.Name}\"");
            portName = declared["name"]?.GetValue<string>() ?? "";
        }
        var endpoints = (await objects.GetAsync(KnownResources.Endpoints, ns, target.Name, ct))?.Object
            ?? throw ApiErrors.NotFound(KnownResources.Endpoints, target.Name);
        var subsets = (endpoints["subsets"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (subsets.Count == 0)
        {
            throw ApiErrors.Unavailable($"no endpoints available for service \"{target.Name}\"");
        }
        var candidates = new List<(IPAddress Address, int Port, string? Pod)>();
        foreach (var subset in subsets)
        {
            var port = (subset["ports"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(p => (p["name"]?.GetValue<string>() ?? "") == portName)?["port"]?.GetValue<int>();
            if (port is not (>= 1 and <= 65535))
            {
                continue;
            }
            foreach (var address in (subset["addresses"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (IPAddress.TryParse(address["ip"]?.GetValue<string>(), out var ip) &&
                    address["targetRef"] is JsonObject targetRef && targetRef["kind"]?.GetValue<string>() == "Pod" &&
                    (targetRef["namespace"]?.GetValue<string>() ?? ns) == ns && targetRef["name"]?.GetValue<string>() is { Length: > 0 } pod)
                {
                    candidates.Add((ip, port.Value, pod));
                }
            }
        }
        // Round robin over the ready addresses: each request may land elsewhere, as upstream's random pick does.
        var start = candidates.Count == 0 ? 0 : (int)((uint)Interlocked.Increment(ref _next) % (uint)candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var (ip, port, podName) = candidates[(start + i) % candidates.Count];
            if (ProxyAddress.IsAllowed(ip) && await PodHasAddressAsync(ns, podName!, ip, ct))
            {
                return new ProxyAddress(target.Scheme, ip, port);
            }
        }
        throw ApiErrors.Unavailable($"no endpoints available for service \"{id}\"");
    }

    private async Task<bool> PodHasAddressAsync(string ns, string name, IPAddress ip, CancellationToken ct)
    {
        var pod = (await objects.GetAsync(KnownResources.Pods, ns, name, ct))?.Object;
        var status = pod?["status"] as JsonObject;
        if (status is null)
        {
            return false;
        }
        var ips = (status["podIPs"] as JsonArray ?? []).OfType<JsonObject>().Select(p => p["ip"]?.GetValue<string>())
            .Append(status["podIP"]?.GetValue<string>());
        return ips.Any(p => IPAddress.TryParse(p, out var a) && a.Equals(ip));
    }
}
