using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Backends;
using Axolotl.ApiServer.Discovery;
using Axolotl.ApiServer.Security;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// kube-aggregator's discovery manager: for every Available remote APIService, the backend's /apis/GROUP/VERSION
/// resource list, fetched through the proxy's transport as system:kube-aggregator (system:masters) when the APIService
/// changes and every 30 s, and published as <see cref="Current"/> for discovery. A backend that fails, or an APIService
/// that is not Available, keeps its last list marked stale (aggregated discovery's <c>freshness: Stale</c>).
/// </summary>
public sealed partial class RemoteDiscovery(ApiServiceCache apiServices, ServiceEndpointResolver resolver, BackendTransport transport,
    X509Certificate2 proxyClientCertificate, TimeProvider clock, ILogger<RemoteDiscovery> logger)
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly Dictionary<string, (JsonArray? Resources, bool Fresh)> _lists = new(StringComparer.Ordinal);
    private volatile AggregatedApis _current = AggregatedApis.None;
    private long _version;

    public AggregatedApis Current => _current;

    public async Task RunAsync(CancellationToken ct)
    {
        apiServices.Changed += Wake;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var snapshot = apiServices.Current;
                // Listed at once (legacy /apis shows every APIService, Available or not); the lists follow.
                Publish(snapshot);
                foreach (var remote in snapshot.Remote.Values)
                {
                    var last = _lists.GetValueOrDefault(remote.GroupVersion);
                    _lists[remote.GroupVersion] = remote.Available && await FetchAsync(remote, ct) is { } resources ? (resources, true) : (last.Resources, false);
                }
                foreach (var gone in _lists.Keys.Where(k => !snapshot.Remote.ContainsKey(k)).ToList())
                {
                    _lists.Remove(gone);
                }
                Publish(snapshot);
                await WaitAsync(ct);
            }
        }
        finally
        {
            apiServices.Changed -= Wake;
        }
    }

    private void Wake()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one refresh sees every change so far.
        }
    }

    private async Task WaitAsync(CancellationToken ct)
    {
        using var period = new CancellationTokenSource(RefreshPeriod, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, period.Token);
        try
        {
            await _changed.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The period ran out: refresh every list.
        }
    }

    private void Publish(ApiServiceSnapshot snapshot)
    {
        var remote = snapshot.Remote.Values.Select(r =>
        {
            var list = _lists.GetValueOrDefault(r.GroupVersion);
            return new RemoteGroupVersion(r.Group, r.Version, r.GroupPriorityMinimum, r.VersionPriority, list.Resources, list.Fresh && r.Available);
        }).OrderBy(r => r.Group, StringComparer.Ordinal).ThenBy(r => r.Version, StringComparer.Ordinal).ToList();
        var previous = _current;
        if (previous.Version != 0 && Same(previous.Remote, remote) && previous.GroupPriorities.Count == snapshot.GroupPriorities.Count &&
            previous.GroupPriorities.All(p => snapshot.GroupPriorities.GetValueOrDefault(p.Key, int.MinValue) == p.Value) &&
            previous.VersionPriorities.All(p => snapshot.VersionPriorities.GetValueOrDefault(p.Key, int.MinValue) == p.Value) &&
            previous.VersionPriorities.Count == snapshot.VersionPriorities.Count)
        {
            return;
        }
        _current = new AggregatedApis(Interlocked.Increment(ref _version), remote, snapshot.GroupPriorities, snapshot.VersionPriorities);
    }

    private static bool Same(IReadOnlyList<RemoteGroupVersion> a, List<RemoteGroupVersion> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First with { Resources = null } == p.Second with { Resources = null } &&
            p.First.Resources?.ToJsonString() == p.Second.Resources?.ToJsonString());

    /// <summary>The backend's resources, or null (logged) when it does not answer 200 with an APIResourceList.</summary>
    private async Task<JsonArray?> FetchAsync(RemoteApiService remote, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(FetchTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            var (endpoint, error) = await resolver.ResolveAsync(remote.ServiceNamespace, remote.ServiceName, remote.Port, linked.Token);
            if (endpoint is null)
            {
                LogFailed(logger, remote.GroupVersion, error!);
                return null;
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{remote.ServerName}:{endpoint.Port}/apis/{remote.Group}/{remote.Version}");
            request.Options.Set(BackendTransport.ConnectTo, endpoint);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            AuthProxyHeaders.Set(request, new Principal("system:kube-aggregator", [Principal.MastersGroup], null));
            var client = transport.For(remote.CaBundle, remote.InsecureSkipTlsVerify, proxyClientCertificate, out var lastTlsFailure);
            try
            {
                using var response = await client.SendAsync(request, linked.Token);
                var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    var reason = $"HTTP {(int)response.StatusCode}";
                    LogFailed(logger, remote.GroupVersion, reason);
                    return null;
                }
                return JsonNode.Parse(body)?["resources"] is JsonArray resources ? (JsonArray)resources.DeepClone() : throw new JsonException("no resources in the answer");
            }
            catch (HttpRequestException e)
            {
                var reason = BackendErrors.Describe(e, endpoint.ToString(), lastTlsFailure());
                LogFailed(logger, remote.GroupVersion, reason);
                return null;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogFailed(logger, remote.GroupVersion, "timed out");
            return null;
        }
        catch (JsonException e)
        {
            var reason = e.Message;
            LogFailed(logger, remote.GroupVersion, reason);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "discovery of aggregated {GroupVersion} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string groupVersion, string error);
}
