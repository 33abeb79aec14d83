using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Axolotl.Api.Metrics;

/// <summary>
/// Collects the instruments a predicate selects through a <see cref="MeterListener"/> and writes them,
/// with any <see cref="IMetricsCollector"/>s, as one Prometheus text exposition. Instrument names are
/// the Prometheus names (upstream's, e.g. apiserver_request_total); a histogram's buckets come from
/// its advice (upstream's buckets), or Prometheus' defaults when it gives none.
/// </summary>
public sealed class MetricsRegistry : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();
    private readonly List<IMetricsCollector> _collectors = [];
    private readonly SemaphoreSlim _scrape = new(1, 1);

    public MetricsRegistry(Func<Instrument, bool> include)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (include(instrument) && ExpositionWriter.IsValidName(instrument.Name))
            {
                _instruments[instrument] = new InstrumentSeries(instrument, BucketsOf(instrument));
                listener.EnableMeasurementEvents(instrument, _instruments[instrument]);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentSeries? _);
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every instrument of the meters with these names.</summary>
    public static MetricsRegistry ForMeters(params string[] meterNames) =>
        new(instrument => meterNames.Contains(instrument.Meter.Name, StringComparer.Ordinal));

    /// <summary>Every instrument of this one meter instance (an agent's, when several run in a process).</summary>
    public static MetricsRegistry ForMeter(Meter meter) => new(instrument => ReferenceEquals(instrument.Meter, meter));

    /// <summary>The size of the last rendered scrape, a little more (<see cref="ScrapeBody"/> sizes the next one's buffer by it).</summary>
    public int LastScrapeBytes { get; internal set; }

    public void Add(IMetricsCollector collector)
    {
        lock (_collectors)
        {
            _collectors.Add(collector);
        }
    }

    /// <summary>Writes one scrape. Scrapes are serialised: observable instruments are re-read into shared state.</summary>
    public async Task WriteAsync(TextWriter output, CancellationToken ct)
    {
        await _scrape.WaitAsync(ct);
        try
        {
            foreach (var series in _instruments.Values.Where(s => s.Observable))
            {
                series.ClearForObservation();
            }
            _listener.RecordObservableInstruments();
            var writer = new ExpositionWriter(output);
            foreach (var series in _instruments.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal))
            {
                Write(writer, series);
            }
            IMetricsCollector[] collectors;
            lock (_collectors)
            {
                collectors = [.. _collectors];
            }
            foreach (var collector in collectors)
            {
                await collector.CollectAsync(writer, ct);
            }
        }
        finally
        {
            _scrape.Release();
        }
    }

    /// <summary>One scrape as a string (tests, benches, small endpoints).</summary>
    public async Task<string> ScrapeAsync(CancellationToken ct)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        await WriteAsync(text, ct);
        return text.ToString();
    }

    private static void Write(ExpositionWriter writer, InstrumentSeries series)
    {
        var instrument = series.Instrument;
        var states = series.Snapshot().ToList();
        // An instrument nothing has recorded yet still has its HELP and TYPE: dashboards see the family exists.
        writer.Family(instrument.Name, instrument.Description ?? instrument.Name, series.Type);
        foreach (var state in states)
        {
            lock (state)
            {
                if (series.Buckets is { } bounds)
                {
                    long cumulative = 0;
                    for (var i = 0; i < bounds.Length; i++)
                    {
                        cumulative += state.BucketCounts[i];
                        writer.SampleRendered(instrument.Name + "_bucket", state.Labels, "le", ExpositionWriter.FormatValue(bounds[i]), cumulative);
                    }
                    writer.SampleRendered(instrument.Name + "_bucket", state.Labels, "le", "+Inf", state.Count);
                    writer.SampleRendered(instrument.Name + "_sum", state.Labels, null, null, state.Sum);
                    writer.SampleRendered(instrument.Name + "_count", state.Labels, null, null, state.Count);
                }
                else
                {
                    writer.SampleRendered(instrument.Name, state.Labels, null, null, state.Value);
                }
            }
        }
    }

    private static double[]? BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> h => Sorted(h.Advice?.HistogramBucketBoundaries),
        Histogram<long> h => Sorted(h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b)),
        Histogram<int> h => Sorted(h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b)),
        _ => null,
    };

    private static double[] Sorted(IEnumerable<double>? bounds) =>
        bounds is null ? DefaultBuckets : [.. bounds.Where(b => !double.IsInfinity(b)).Distinct().Order()];

    public void Dispose()
    {
        _listener.Dispose();
        _scrape.Dispose();
    }
}
