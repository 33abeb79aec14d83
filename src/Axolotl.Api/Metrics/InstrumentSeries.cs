using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Axolotl.Api.Metrics;

/// <summary>
/// Everything one instrument has recorded, one state per distinct label set. The label block is
/// rendered (escaped, names sorted) once when a label set is first seen; later measurements find it
/// by the same canonical key, so one label set is one series however its tags were ordered.
/// </summary>
internal sealed class InstrumentSeries(Instrument instrument, double[]? buckets)
{
    private readonly ConcurrentDictionary<string, SeriesState> _series = new(StringComparer.Ordinal);

    public Instrument Instrument => instrument;

    public double[]? Buckets => buckets;

    public bool Observable => instrument.IsObservable;

    public MetricType Type => instrument switch
    {
        Counter<long> or Counter<int> or Counter<double> => MetricType.Counter,
        ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => MetricType.Counter,
        _ when buckets is not null => MetricType.Histogram,
        _ => MetricType.Gauge,
    };

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = Key(tags);
        var state = _series.GetOrAdd(key, static (_, arg) => new SeriesState(Render(arg.Tags), arg.Buckets), (Tags: Copy(tags), Buckets: buckets));
        lock (state)
        {
            if (buckets is not null)
            {
                state.Observe(value, buckets);
            }
            else if (Observable)
            {
                state.Value = value; // observations are absolute
            }
            else
            {
                state.Value += value; // counters and up-down counters record deltas
            }
        }
    }

    /// <summary>Observable instruments report everything that exists now; forget what they reported last time.</summary>
    public void ClearForObservation() => _series.Clear();

    public IEnumerable<SeriesState> Snapshot() => _series.Values.OrderBy(s => s.Labels, StringComparer.Ordinal);

    private static string Key(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }
        var parts = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            parts[i] = tags[i].Key + "\u0001" + Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        Array.Sort(parts, StringComparer.Ordinal);
        return string.Join('\u0000', parts);
    }

    private static KeyValuePair<string, string>[] Copy(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            copy[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }
        return copy;
    }

    private static string Render(KeyValuePair<string, string>[] tags) =>
        ExpositionWriter.RenderLabels(tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToArray());
}

/// <summary>One series: a value, or a histogram's per-bucket counts, sum and count.</summary>
internal sealed class SeriesState(string labels, double[]? buckets)
{
    public string Labels => labels;

    public double Value { get; set; }

    public long[] BucketCounts { get; } = new long[(buckets?.Length ?? 0) + 1];

    public double Sum { get; private set; }

    public long Count { get; private set; }

    public void Observe(double value, double[] bounds)
    {
        var i = Array.BinarySearch(bounds, value);
        // le is inclusive: an exact match falls in its own bucket; otherwise the first bound above it.
        BucketCounts[i >= 0 ? i : ~i]++;
        Sum += value;
        Count++;
    }
}
