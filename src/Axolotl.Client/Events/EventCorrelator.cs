using Axolotl.Api.Core;

namespace Axolotl.Client.Events;

/// <summary>
/// client-go's event correlator for one recorder, as a pure decision (the recorder does the writing):
/// <list type="bullet">
/// <item>aggregation: events about one object from one source with the same type and reason but
/// <see cref="AggregateMaxEvents"/> different messages within <see cref="AggregateInterval"/> become one series
/// whose message reads <c>(combined from similar events): </c> and the newest message;</item>
/// <item>a series key: identical events (same field path, type, reason and message) share one, so a repeat is a
/// count+1 on the Event already written rather than a new Event;</item>
/// <item>the spam filter: a token bucket per source and object (<see cref="SpamBurst"/> events, then one per
/// <see cref="SpamRefill"/>), past which an event is not written. It is still counted in its series, so the next
/// one written carries the count of every occurrence, as client-go's logger counts before its filter.</item>
/// </list>
/// Not thread-safe: the recorder calls it under its lock.
/// </summary>
public sealed class EventCorrelator(int maxEntries = EventRecorderOptions.DefaultMaxSeries)
{
    /// <summary>client-go's defaultAggregateMaxEvents: different messages of one reason before they are combined.</summary>
    public const int AggregateMaxEvents = 10;

    /// <summary>client-go's defaultSpamBurst: events per source and object before the filter holds them back.</summary>
    public const int SpamBurst = 25;

    /// <summary>The prefix client-go's EventAggregatorByReasonMessageFunc gives a combined event's message.</summary>
    public const string CombinedPrefix = "(combined from similar events): ";

    /// <summary>client-go's defaultAggregateIntervalInSeconds.</summary>
    public static readonly TimeSpan AggregateInterval = TimeSpan.FromMinutes(10);

    /// <summary>client-go's defaultSpamQPS (1/300): one more event per source and object every five minutes.</summary>
    public static readonly TimeSpan SpamRefill = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, Aggregate> _aggregates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>What to do with one event: which series it counts in, the message to write, and whether the spam filter holds it back.</summary>
    public readonly record struct Correlation(string SeriesKey, string Message, bool Skip);

    /// <summary>Correlates an event about <paramref name="involved"/> (in namespace <paramref name="ns"/>) recorded at <paramref name="at"/>.</summary>
    public Correlation Correlate(string component, string? host, ObjectReference involved, string ns, string type, string reason, string message, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(involved);
        // The fields of client-go's getSpamKey, EventAggregatorByReasonFunc and getEventKey (reportingController and
        // reportingInstance are the source's component and host here).
        var objectKey = Key(component, host, involved.Kind, ns, involved.Name, involved.Uid, involved.ApiVersion);
        var aggregateKey = Key(objectKey, type, reason);
        var eventKey = Key(objectKey, involved.FieldPath, type, reason, message);

        if (!_aggregates.TryGetValue(aggregateKey, out var aggregate) || at - aggregate.Last > AggregateInterval)
        {
            aggregate = new Aggregate();
        }
        aggregate.Messages.Add(message);
        aggregate.Last = at;
        Put(_aggregates, aggregateKey, aggregate);
        var (seriesKey, shown) = (eventKey, message);
        if (aggregate.Messages.Count >= AggregateMaxEvents)
        {
            // Keep the set below the threshold, as client-go pops one: every further new message is combined too.
            aggregate.Messages.Remove(aggregate.Messages.First());
            (seriesKey, shown) = (aggregateKey, CombinedPrefix + message);
        }

        if (!_buckets.TryGetValue(objectKey, out var bucket))
        {
            bucket = new Bucket(SpamBurst, at);
        }
        var tokens = Math.Min(SpamBurst, bucket.Tokens + Math.Max(0, (at - bucket.At) / SpamRefill));
        var skip = tokens < 1;
        Put(_buckets, objectKey, new Bucket(skip ? tokens : tokens - 1, at));
        return new Correlation(seriesKey, shown, skip);
    }

    private static string Key(params string?[] parts) => string.Join('\u0000', parts);

    private void Put<T>(Dictionary<string, T> cache, string key, T value)
    {
        if (cache.Count >= maxEntries && !cache.ContainsKey(key))
        {
            // A crude bound instead of client-go's LRU: forgetting only starts a fresh series, bucket or aggregate.
            cache.Clear();
        }
        cache[key] = value;
    }

    private sealed class Aggregate
    {
        public HashSet<string> Messages { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset Last { get; set; }
    }

    private readonly record struct Bucket(double Tokens, DateTimeOffset At);
}
