namespace Axolotl.Client.Informers;

/// <summary>What an informer watches and how it recovers. Defaults follow client-go's reflector.</summary>
public sealed record SharedInformerOptions
{
    /// <summary>Watch one namespace only; null watches all.</summary>
    public string? Namespace { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Page size of the initial list and of relists (continue tokens are followed).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>
    /// The least timeoutSeconds sent (each watch takes a random one up to twice it) so that the server ends each
    /// watch and the informer re-watches from its last revision, which bookmarks keep recent.
    /// </summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A number in [0, 1) that spreads each watch's timeout over <see cref="WatchTimeout"/> to twice it (tests give a fixed one).</summary>
    public Func<double> Jitter { get; init; } = () => System.Security.Cryptography.RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0;

    /// <summary>First wait after a failed list or watch; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// client-go's reflector backs off to 30 s; here at most 3 s, so that a node agent (or a controller)
    /// whose API server was away is watching again within seconds of its return, not half a minute later.
    /// A down server refuses connections at once, so the retries cost it nothing.
    /// </summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>A watch that ends sooner than this without any event counts as a failure (backoff before retrying).</summary>
    public TimeSpan MinWatchDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Keep metadata.managedFields in the cache. Off by default, as kube-controller-manager's informers
    /// strip them: no controller reads them, they are about half of a pod's bytes, and an update that
    /// leaves them out keeps the live ones.
    /// </summary>
    public bool KeepManagedFields { get; init; }
}
