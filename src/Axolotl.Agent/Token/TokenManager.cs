using System.Collections.Concurrent;
using System.Security.Cryptography;
using Axolotl.Api.Core;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Token;

/// <summary>
/// The kubelet's token manager: caches each pod's service account tokens by (namespace, account,
/// audience, lifetime, pod uid) and asks the API server for a new one when <see cref="TokenRefresh"/>
/// says so. While the API server cannot be reached, a cached token that has not expired is used.
/// </summary>
public sealed partial class TokenManager(ITokenRequester requester, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<(string Namespace, string Account, string Audience, long Seconds, string PodUid), ServiceAccountToken> _cache = new();

    public async Task<string> GetTokenAsync(Pod pod, string? audience, long expirationSeconds, CancellationToken ct)
    {
        var key = (pod.Metadata.Namespace ?? "", pod.Spec?.ServiceAccountName ?? "", audience ?? "", expirationSeconds, pod.Metadata.Uid ?? "");
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && !TokenRefresh.RequiresRefresh(cached, now, Jitter()))
        {
            return cached.Token;
        }
        try
        {
            var fresh = await requester.RequestAsync(pod, audience, expirationSeconds, ct);
            _cache[key] = fresh;
            return fresh.Token;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && cached is not null && cached.ExpirationTimestamp > now)
        {
            LogKeptCached(logger, e, key.Item1, key.Item2);
            return cached.Token;
        }
    }

    /// <summary>Drops a pod's tokens when the pod is gone.</summary>
    public void ForgetPod(string podUid)
    {
        foreach (var key in _cache.Keys.Where(k => k.PodUid == podUid))
        {
            _cache.TryRemove(key, out _);
        }
    }

    public int Count => _cache.Count;

    private static double Jitter() => RandomNumberGenerator.GetInt32(1000) / 1000.0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not refresh a service account token of {Namespace}/{Account}; the cached one is still valid")]
    private static partial void LogKeptCached(ILogger logger, Exception e, string @namespace, string account);
}
