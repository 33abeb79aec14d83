using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;

namespace Axolotl.Controllers.ApiServiceAvailability;

/// <summary>
/// The Available condition an APIService should have, from what the caches hold (pure). Local APIServices are
/// always available (upstream's local availability controller). For one with a service, upstream's remote checks
/// in their order and wording (Service present, its port, EndpointSlices with a ready address on that port), and
/// then, where upstream would proxy a discovery request to it: Axolotl does not proxy to aggregated API servers,
/// so the condition says so instead of claiming an availability no request could use.
/// </summary>
public static class AvailabilityCheck
{
    public const string NotProxiedReason = "ProxyNotSupported";

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
        var groupVersion = string.IsNullOrEmpty(apiService.Spec.Group) ? apiService.Spec.Version ?? "" : $"{apiService.Spec.Group}/{apiService.Spec.Version}";
        return False(NotProxiedReason,
            $"Axolotl does not proxy requests to aggregated API servers yet: {groupVersion} is not forwarded to service/{name} in {GoValue.Quote(ns)}", now);
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
