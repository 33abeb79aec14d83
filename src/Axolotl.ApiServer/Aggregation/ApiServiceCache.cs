using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// Keeps <see cref="Current"/> in step with the stored APIServices (kube-aggregator's APIService informer) through
/// <see cref="FollowedKinds"/>, so the proxy reads one reference per request and never the store. <see cref="Changed"/>
/// fires after each swap (remote discovery refreshes at once when an APIService becomes Available).
/// </summary>
public sealed class ApiServiceCache
{
    private readonly FollowedKinds _followed;
    private volatile ApiServiceSnapshot _current = ApiServiceSnapshot.Empty;
    private long _generation;

    public ApiServiceCache(ObjectStore objects, TimeProvider clock, ILogger<ApiServiceCache> logger) =>
        _followed = new FollowedKinds(objects, "apiservices", [KnownResources.ApiServices], Rebuild, "its group/version is not proxied", clock, logger);

    public ApiServiceSnapshot Current => _current;

    public event Action? Changed;

    /// <summary>Starts following APIServices until <paramref name="stopping"/> fires; returns once they were listed.</summary>
    public Task StartAsync(CancellationToken stopping) => _followed.StartAsync(stopping);

    /// <summary>For tests: replaces the snapshot without a store.</summary>
    public void Set(IEnumerable<APIService> apiServices) => Swap(apiServices);

    private void Rebuild(FollowedKinds followed) => Swap(followed.Of<APIService>(KnownResources.ApiServices));

    private void Swap(IEnumerable<APIService> apiServices)
    {
        _current = new ApiServiceSnapshot(apiServices, Interlocked.Increment(ref _generation));
        Changed?.Invoke();
    }
}
