using System.Diagnostics.Metrics;
using Axolotl.Api.Metrics;

namespace Axolotl.Api.Tests.Metrics;

public sealed class ExpositionTests
{
    private static string Write(Action<ExpositionWriter> write)
    {
        using var text = new StringWriter();
        write(new ExpositionWriter(text));
        return text.ToString();
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline()
    {
        var output = Write(w =>
        {
            w.Family("kube_pod_info", "Information about pod.", MetricType.Gauge);
            w.Sample("kube_pod_info", 1, "pod", "a\\b\"c\nd", "namespace", "ns");
        });

        Assert.Contains("kube_pod_info{pod=\"a\\\\b\\\"c\\nd\",namespace=\"ns\"} 1\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_text_escapes_backslash_and_newline_but_not_quotes()
    {
        var output = Write(w => w.Family("x_total", "a \"b\" c\\d\ne", MetricType.Counter));

        Assert.Equal("# HELP x_total a \"b\" c\\\\d\\ne\n# TYPE x_total counter\n", output);
    }

    [Fact]
    public void A_family_written_twice_in_one_scrape_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => Write(w =>
        {
            w.Family("up", "Up.", MetricType.Gauge);
            w.Family("up", "Up.", MetricType.Gauge);
        }));
    }

    [Fact]
    public void Invalid_metric_names_are_refused_and_label_names_sanitised()
    {
        Assert.Throws<ArgumentException>(() => Write(w => w.Family("1bad", "x", MetricType.Gauge)));
        Assert.Throws<ArgumentException>(() => Write(w => w.Family("bad-name", "x", MetricType.Gauge)));
        Assert.Equal("label_app_kubernetes_io_name", ExpositionWriter.SanitizeLabelName("label_app.kubernetes.io/name"));
        Assert.Equal("_9a", ExpositionWriter.SanitizeLabelName("9a"));
    }

    [Fact]
    public void Values_are_written_as_Prometheus_reads_them()
    {
        Assert.Equal("+Inf", ExpositionWriter.FormatValue(double.PositiveInfinity));
        Assert.Equal("-Inf", ExpositionWriter.FormatValue(double.NegativeInfinity));
        Assert.Equal("NaN", ExpositionWriter.FormatValue(double.NaN));
        Assert.Equal("0.005", ExpositionWriter.FormatValue(0.005));
        var output = Write(w =>
        {
            w.Family("g", "g", MetricType.Gauge);
            w.Sample("g", 3);
            w.Sample("g", 0.25, "a", "b");
        });
        Assert.Contains("g 3\n", output, StringComparison.Ordinal);
        Assert.Contains("g{a=\"b\"} 0.25\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_histogram_writes_cumulative_buckets_with_inf_sum_and_count()
    {
        using var meter = new Meter("Axolotl.Tests.Exposition.Histogram");
        using var registry = MetricsRegistry.ForMeter(meter);
        var histogram = meter.CreateHistogram<double>("request_duration_seconds", "s", "How long requests took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1] });

        histogram.Record(0.05, new KeyValuePair<string, object?>("verb", "GET"));
        histogram.Record(0.5, new KeyValuePair<string, object?>("verb", "GET"));
        histogram.Record(3, new KeyValuePair<string, object?>("verb", "GET"));
        var output = await registry.ScrapeAsync(CancellationToken.None);

        Assert.Contains("# TYPE request_duration_seconds histogram\n", output, StringComparison.Ordinal);
        Assert.Contains("request_duration_seconds_bucket{verb=\"GET\",le=\"0.1\"} 1\n", output, StringComparison.Ordinal);
        Assert.Contains("request_duration_seconds_bucket{verb=\"GET\",le=\"0.5\"} 2\n", output, StringComparison.Ordinal);
        Assert.Contains("request_duration_seconds_bucket{verb=\"GET\",le=\"1\"} 2\n", output, StringComparison.Ordinal);
        Assert.Contains("request_duration_seconds_bucket{verb=\"GET\",le=\"+Inf\"} 3\n", output, StringComparison.Ordinal);
        Assert.Contains("request_duration_seconds_sum{verb=\"GET\"} 3.55\n", output, StringComparison.Ordinal);
        Assert.Contains("request_duration_seconds_count{verb=\"GET\"} 3\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_label_set_in_any_tag_order_is_one_series()
    {
        using var meter = new Meter("Axolotl.Tests.Exposition.Counter");
        using var registry = MetricsRegistry.ForMeter(meter);
        var counter = meter.CreateCounter<long>("apiserver_request_total", description: "Requests.");

        counter.Add(1, new("verb", "GET"), new("code", "200"));
        counter.Add(2, new("code", "200"), new("verb", "GET"));
        counter.Add(1, new("code", "404"), new("verb", "GET"));
        var output = await registry.ScrapeAsync(CancellationToken.None);

        Assert.Contains("apiserver_request_total{code=\"200\",verb=\"GET\"} 3\n", output, StringComparison.Ordinal);
        Assert.Contains("apiserver_request_total{code=\"404\",verb=\"GET\"} 1\n", output, StringComparison.Ordinal);
        Assert.Empty(DuplicateSeries.Find(output));
    }

    [Fact]
    public async Task Observable_gauges_report_only_what_exists_at_the_scrape()
    {
        using var meter = new Meter("Axolotl.Tests.Exposition.Gauge");
        using var registry = MetricsRegistry.ForMeter(meter);
        var pods = new List<string> { "a", "b" };
        meter.CreateObservableGauge("running", () => pods.Select(p => new Measurement<long>(1, new KeyValuePair<string, object?>("pod", p))), description: "Running.");

        var first = await registry.ScrapeAsync(CancellationToken.None);
        pods.Remove("a");
        var second = await registry.ScrapeAsync(CancellationToken.None);

        Assert.Contains("running{pod=\"a\"} 1\n", first, StringComparison.Ordinal);
        Assert.DoesNotContain("pod=\"a\"", second, StringComparison.Ordinal);
        Assert.Contains("running{pod=\"b\"} 1\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_up_down_counter_is_a_gauge_of_its_running_sum()
    {
        using var meter = new Meter("Axolotl.Tests.Exposition.UpDown");
        using var registry = MetricsRegistry.ForMeter(meter);
        var inflight = meter.CreateUpDownCounter<long>("apiserver_current_inflight_requests", description: "In flight.");

        inflight.Add(1, new KeyValuePair<string, object?>("request_kind", "readOnly"));
        inflight.Add(1, new KeyValuePair<string, object?>("request_kind", "readOnly"));
        inflight.Add(-1, new KeyValuePair<string, object?>("request_kind", "readOnly"));
        var output = await registry.ScrapeAsync(CancellationToken.None);

        Assert.Contains("# TYPE apiserver_current_inflight_requests gauge\n", output, StringComparison.Ordinal);
        Assert.Contains("apiserver_current_inflight_requests{request_kind=\"readOnly\"} 1\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instruments_of_other_meters_are_not_collected()
    {
        using var mine = new Meter("Axolotl.Tests.Exposition.Mine");
        using var other = new Meter("Axolotl.Tests.Exposition.Mine");
        using var registry = MetricsRegistry.ForMeter(mine);
        mine.CreateCounter<long>("mine_total").Add(1);
        other.CreateCounter<long>("other_total").Add(1);

        var output = await registry.ScrapeAsync(CancellationToken.None);

        Assert.Contains("mine_total 1\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("other_total", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_duplicate_check_finds_a_repeated_series_whatever_its_label_order()
    {
        const string text = "# TYPE a gauge\na{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\na{x=\"2\"} 1\n";

        Assert.Equal(["a{x=\"1\",y=\"2\"}"], DuplicateSeries.Find(text));
    }
}
