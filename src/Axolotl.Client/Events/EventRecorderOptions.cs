namespace Axolotl.Client.Events;

/// <summary>Who an <see cref="EventRecorder"/> writes as, and how much it buffers.</summary>
public sealed class EventRecorderOptions
{
    /// <summary>client-go's broadcaster queues at most 1000 events per recorder (maxQueuedEvents).</summary>
    public const int DefaultQueueCapacity = 1000;

    /// <summary>client-go's correlator keeps an LRU of 4096 event series.</summary>
    public const int DefaultMaxSeries = 4096;

    /// <summary>source.component and reportingComponent, e.g. "default-scheduler" or "kubelet".</summary>
    public required string Component { get; init; }

    /// <summary>source.host and reportingInstance (the node name for the kubelet); null when the component has no host.</summary>
    public string? Host { get; init; }

    /// <summary>
    /// How many events <see cref="EventRecorder.Record{T}(T, string, string, string, string?)"/> may queue before
    /// the writer catches up. When the queue is full the new event is dropped (client-go's DropIfChannelFull):
    /// events are best-effort and the caller must never block on them.
    /// </summary>
    public int QueueCapacity { get; init; } = DefaultQueueCapacity;

    /// <summary>
    /// How many queued events are written at once: 1 (the default) writes one at a time, as client-go's legacy
    /// recorder (the kubelet, the controllers); more writes up to that many together, as the events.k8s.io
    /// broadcaster the scheduler uses writes each event on its own goroutine, so a burst of bindings does not overflow
    /// the queue. Events about one object are written in order either way.
    /// </summary>
    public int ParallelWrites { get; init; } = 1;

    /// <summary>How many event series are remembered for counting repeats; forgetting one only starts a new Event.</summary>
    public int MaxSeries { get; init; } = DefaultMaxSeries;

    /// <summary>How long disposing waits for queued events to be written before abandoning the rest.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
