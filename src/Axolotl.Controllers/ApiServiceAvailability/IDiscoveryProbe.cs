using System.Net;
using Axolotl.Api.ApiRegistration;

namespace Axolotl.Controllers.ApiServiceAvailability;

/// <summary>
/// Upstream's last availability check: GET the backend's /apis/GROUP/VERSION (/api/VERSION for "v1.") at the given
/// endpoints. Null when one attempt answered 2xx; otherwise the last error, in upstream's words.
/// </summary>
public interface IDiscoveryProbe
{
    Task<string?> ProbeAsync(APIService apiService, IReadOnlyList<IPEndPoint> endpoints, CancellationToken ct);
}
