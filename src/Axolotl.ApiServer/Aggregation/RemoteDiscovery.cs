using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Discovery;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// kube-aggregator's discovery manager: for every Available remote APIService, the backend's /apis/GROUP/VERSION
/// resource list, fetched (<see cref="RemoteFetcher"/>) when the APIService
/// changes and every 30 s, and published as <see cref="Current"/> for discovery. A backend that fails, or an APIService
/// that is not Available, keeps its last list marked stale (aggregated discovery's <c>freshness: Stale</c>).
/// </summary>
public sealed partial class RemoteDiscovery(ApiServiceCache apiServices, RemoteFetcher fetcher, TimeProvider clock, ILogger<RemoteDiscovery> logger)
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);

    /// <summary>An APIResourceList beyond this is not a list kubectl could use (upstream reads discovery unbounded; a bound keeps one backend from filling memory).</summary>
    private const long MaxListBytes = 4 << 20;

    private readonly RefreshSignal _signal = new(clock);
    private readonly Dictionary<string, (JsonArray? Resources, bool Fresh)> _lists = new(StringComparer.Ordinal);
    private volatile AggregatedApis _current = AggregatedApis.None;
    private long _version;

    public AggregatedApis Current => _current;

    public async Task RunAsync(CancellationToken ct)
    {
        apiServices.Changed += _signal.Wake;
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
                await _signal.WaitAsync(RefreshPeriod, ct);
            }
        }
        finally
        {
            apiServices.Changed -= _signal.Wake;
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
        var (body, error) = await fetcher.GetAsync(remote, $"/apis/{remote.Group}/{remote.Version}", MaxListBytes, ct);
        if (body is null)
        {
            LogFailed(logger, remote.GroupVersion, error!);
            return null;
        }
        try
        {
            return JsonNode.Parse(body)?["resources"] is JsonArray resources ? (JsonArray)resources.DeepClone() : throw new JsonException("no resources in the answer");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            var reason = e.Message;
            LogFailed(logger, remote.GroupVersion, reason);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "discovery of aggregated {GroupVersion} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string groupVersion, string error);
}
