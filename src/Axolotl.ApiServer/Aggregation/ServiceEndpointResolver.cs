using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// Where a request for an aggregated API goes: a ready address of the Service's Endpoints on the port named like the
/// Service port, as kube-apiserver's endpoint resolver picks one (--enable-aggregator-routing=true). Unlike
/// services/NAME/proxy, an address need not belong to a pod: only those who may write APIServices (cluster
/// administrators) choose the Service, and an aggregated API server may run on a host rather than in a pod.
/// </summary>
public sealed class ServiceEndpointResolver(ObjectStore objects)
{
    private int _next;

    /// <summary>The address to dial, or null with the reason (upstream logs it and answers "service unavailable").</summary>
    public async Task<(IPEndPoint? Endpoint, string? Error)> ResolveAsync(string ns, string name, int port, CancellationToken ct)
    {
        var service = (await objects.GetAsync(KnownResources.Services, ns, name, ct))?.Object;
        if (service is null)
        {
            return (null, $"services \"{name}\" not found");
        }
        var type = service["spec"]?["type"]?.GetValue<string>() ?? "ClusterIP";
        if (type is not ("ClusterIP" or "LoadBalancer" or "NodePort"))
        {
            return (null, $"unsupported service type \"{type}\"");
        }
        var servicePort = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => p["port"]?.GetValue<int>() == port);
        if (servicePort is null)
        {
            return (null, $"no service port {port.ToString(CultureInfo.InvariantCulture)} found for service \"{name}\"");
        }
        var portName = servicePort["name"]?.GetValue<string>() ?? "";
        var endpoints = (await objects.GetAsync(KnownResources.Endpoints, ns, name, ct))?.Object;
        var candidates = new List<IPEndPoint>();
        foreach (var subset in (endpoints?["subsets"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var number = (subset["ports"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(p => (p["name"]?.GetValue<string>() ?? "") == portName)?["port"]?.GetValue<int>();
            if (number is not (>= 1 and <= 65535))
            {
                continue;
            }
            foreach (var address in (subset["addresses"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (IPAddress.TryParse(address["ip"]?.GetValue<string>(), out var ip))
                {
                    candidates.Add(new IPEndPoint(ip, number.Value));
                }
            }
        }
        if (candidates.Count == 0)
        {
            return (null, $"no endpoints available for service \"{name}\"");
        }
        // Round robin where upstream picks at random: each request may land on another ready address.
        return (candidates[(int)((uint)Interlocked.Increment(ref _next) % (uint)candidates.Count)], null);
    }
}
