using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;

namespace Axolotl.Controllers.ApiServiceAvailability;

/// <summary>
/// The Available condition an APIService should have, from what the caches hold (pure). Local APIServices are
/// always available (upstream's local availability controller). For one with a service, upstream's remote checks
/// in their order and wording (Service present, its port, EndpointSlices with a ready address on that port); when
/// they pass, <c>Passed</c>, which the reconciler keeps only if the backend's discovery answers (<see cref="IDiscoveryProbe"/>).
/// </summary>
public static class AvailabilityCheck
{
    public const string PassedReason = "Passed";
    public const string FailedDiscoveryCheckReason = "FailedDiscoveryCheck";

    public static APIServiceCondition Check(APIService apiService, Service? service, IReadOnlyList<EndpointSlice> slices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(apiService);
        ArgumentNullException.ThrowIfNull(slices);
        if (apiService.Spec?.Service is not { } reference)
        {
            return APIServiceCondition.LocalAvailable(now);
        }
        var name = reference.Name ?? "";
        var ns = reference.Namespace ?? "";
        if (service is null)
        {
            return False("ServiceNotFound", $"service/{name} in {GoValue.Quote(ns)} is not present", now);
        }
        if ((service.Spec?.Type ?? "ClusterIP") == "ClusterIP")
        {
            var port = reference.Port ?? 443;
            var servicePort = service.Spec?.Ports?.Find(p => p.Port == port);
            if (servicePort is null)
            {
                return False("ServicePortError", $"service/{name} in {GoValue.Quote(ns)} is not listening on port {port}", now);
            }
            if (slices.Count == 0)
            {
                return False("EndpointsNotFound", $"cannot find endpointslices for service/{name} in {GoValue.Quote(ns)}", now);
            }
            var portName = servicePort.Name ?? "";
            if (!HasAvailableEndpoint(portName, slices))
            {
                return False("MissingEndpoints", $"endpointslices for service/{name} in {GoValue.Quote(ns)} have no addresses with port name {GoValue.Quote(portName)}", now);
            }
        }
        return new APIServiceCondition { Type = APIServiceCondition.Available, Status = "True", LastTransitionTime = now, Reason = PassedReason, Message = "all checks passed" };
    }

    /// <summary>Upstream's condition when no attempt to read the backend's discovery succeeded: the last attempt's error.</summary>
    public static APIServiceCondition FailedDiscovery(string error, DateTimeOffset now) => False(FailedDiscoveryCheckReason, error, now);

    /// <summary>
    /// The addresses a discovery probe may dial, as kube-apiserver's endpoint resolver picks them: ready endpoints of
    /// the slices with a port named like the Service port that the APIService names (the unnamed port for other types).
    /// </summary>
    public static IReadOnlyList<System.Net.IPEndPoint> Endpoints(APIService apiService, Service? service, IReadOnlyList<EndpointSlice> slices)
    {
        ArgumentNullException.ThrowIfNull(apiService);
        ArgumentNullException.ThrowIfNull(slices);
        var port = apiService.Spec?.Service?.Port ?? 443;
        var portName = service?.Spec?.Ports?.Find(p => p.Port == port)?.Name ?? "";
        var result = new List<System.Net.IPEndPoint>();
        foreach (var slice in slices)
        {
            if ((slice.Ports ?? []).Find(p => (p.Name ?? "") == portName && p.Port is not null)?.Port is not { } number)
            {
                continue;
            }
            foreach (var endpoint in slice.Endpoints.Where(e => e.Conditions?.Ready != false))
            {
                foreach (var address in endpoint.Addresses)
                {
                    if (System.Net.IPAddress.TryParse(address, out var ip))
                    {
                        result.Add(new System.Net.IPEndPoint(ip, number));
                    }
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Upstream's hasAvailableEndpoint: a slice with an endpoint not marked unready and a numbered port of that name
    /// (an unnamed port is named "" here whether the slice writes "" or leaves it out).
    /// </summary>
    public static bool HasAvailableEndpoint(string portName, IEnumerable<EndpointSlice> slices) =>
        slices.Any(slice => slice.Endpoints.Any(e => e.Conditions?.Ready != false)
            && (slice.Ports ?? []).Any(p => (p.Name ?? "") == portName && p.Port is not null));

    private static APIServiceCondition False(string reason, string message, DateTimeOffset now) => new()
    {
        Type = APIServiceCondition.Available,
        Status = "False",
        LastTransitionTime = now,
        Reason = reason,
        Message = message,
    };
}
