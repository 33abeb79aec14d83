using System.Diagnostics.Metrics;

namespace Axolotl.ApiServer.Watch.Cache;

/// <summary>The watch cache's counters under kube-apiserver's names.</summary>
internal static class WatchCacheMetrics
{
    // ApiServerMetrics.MeterName, written out: Metrics reaches Rest, which serves the watches that read this cache.
    private static readonly Meter Meter = new("Axolotl.ApiServer");

    private static readonly Counter<long> Received = Meter.CreateCounter<long>("apiserver_watch_cache_events_received_total",
        description: "Counter of events received in watch cache broken by resource type.");

    private static readonly Counter<long> Dispatched = Meter.CreateCounter<long>("apiserver_watch_cache_events_dispatched_total",
        description: "Counter of events dispatched in watch cache broken by resource type.");

    private static readonly Counter<long> Initializations = Meter.CreateCounter<long>("apiserver_watch_cache_initializations_total",
        description: "Counter of watch cache initializations broken by resource type.");

    private static readonly Counter<long> Terminated = Meter.CreateCounter<long>("apiserver_terminated_watchers_total",
        description: "Counter of watchers closed due to unresponsiveness broken by resource type.");

    public static void EventReceived(string resource) => Received.Add(1, new KeyValuePair<string, object?>("resource", resource));

    public static void EventsDispatched(string resource, int count) => Dispatched.Add(count, new KeyValuePair<string, object?>("resource", resource));

    public static void Initialized(string resource) => Initializations.Add(1, new KeyValuePair<string, object?>("resource", resource));

    public static void WatcherTerminated(string resource) => Terminated.Add(1, new KeyValuePair<string, object?>("resource", resource));
}
