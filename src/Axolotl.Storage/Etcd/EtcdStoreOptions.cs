using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Storage.Etcd;

public sealed class EtcdStoreOptions
{
    /// <summary>Client URLs of the etcd members (http://host:port); requests go to the first that answers.</summary>
    public required IReadOnlyList<Uri> Endpoints { get; init; }

    /// <summary>
    /// How long one request to etcd may take before the store gives up with <see cref="StoreUnavailableException"/>.
    /// etcd itself answers "etcdserver: request timed out" after about 7 s without a quorum; 10 s lets that
    /// message through when it comes and still bounds a request to a member that hangs.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long connecting to one member may take before the next is tried.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The root of the keys, as kube-apiserver's --etcd-prefix (default "/registry").</summary>
    public string KeyPrefix { get; init; } = "/registry";

    /// <summary>How often the background compactor runs (kube-apiserver: 5 min); <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The background compactor never forgets the newest this-many revisions (kine's minimum, as SQLite's).</summary>
    public long CompactionRetainRevisions { get; init; } = 1_000;

    /// <summary>
    /// After each compaction tick, a member whose database file is at least this large and at least
    /// <see cref="DefragmentFragmentedFraction"/> free is defragmented (see <see cref="EtcdDefragmentationPlanner"/>).
    /// 100 MB and 45 % are OpenShift's etcd defrag controller's thresholds. Needs the compactor
    /// (<see cref="CompactionInterval"/> above zero); <see cref="long.MaxValue"/> turns defragmentation off.
    /// </summary>
    public long DefragmentMinimumBytes { get; init; } = 100 * 1000 * 1000;

    /// <summary>The free share of a member's file from which it is defragmented (above 0, at most 1).</summary>
    public double DefragmentFragmentedFraction { get; init; } = 0.45;

    /// <summary>How long one member's defragmentation may take; it blocks that member while it rewrites the file.</summary>
    public TimeSpan DefragmentTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Events a watcher may have queued before it is dropped with <see cref="CompactedException"/>.</summary>
    public int WatchChannelCapacity { get; init; } = 1000;

    /// <summary>The longest wait between attempts to re-open a watch stream after etcd went away.</summary>
    public TimeSpan WatchRetryMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Called when a background compaction or defragmentation fails; the next tick tries again.</summary>
    public Action<Exception>? OnBackgroundError { get; init; }

    /// <summary>Where the store says which members it defragmented and what that returned.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>TLS to the members (https:// endpoints); null for http://.</summary>
    public EtcdTls? Tls { get; init; }

    /// <summary>
    /// Parses --datastore-endpoint: comma-separated http:// or https:// URLs of etcd members, all of one scheme.
    /// </summary>
    public static IReadOnlyList<Uri> ParseEndpoints(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var endpoints = new List<Uri>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || uri.AbsolutePath is not ("/" or "") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException($"invalid --datastore-endpoint \"{part}\": want http://HOST:PORT or https://HOST:PORT of an etcd member");
            }

            endpoints.Add(new Uri(uri.GetLeftPart(UriPartial.Authority)));
        }

        if (endpoints.Count == 0)
        {
            throw new ArgumentException("--datastore-endpoint needs at least one http://HOST:PORT or https://HOST:PORT");
        }

        if (endpoints.Select(e => e.Scheme).Distinct().Count() > 1)
        {
            throw new ArgumentException("--datastore-endpoint mixes http:// and https://: every member of one etcd cluster is reached the same way");
        }

        return endpoints;
    }

    /// <summary>Whether the endpoints are https:// (TLS flags are refused for http:// ones: they would be silently unused).</summary>
    public static bool UsesTls(IReadOnlyList<Uri> endpoints) => endpoints.Count > 0 && endpoints[0].Scheme == Uri.UriSchemeHttps;
}
