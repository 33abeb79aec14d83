using System.Text.RegularExpressions;
using Axolotl.Agent.Metrics;
using Axolotl.Api.Metrics;
using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Metrics;

/// <summary>The agent's healing histograms and the kubelet's runtime operation families, on a fake clock.</summary>
public sealed partial class AgentInstrumentsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly HealingMetrics _healing = new("node-a");
    private readonly KubeletMetrics _kubelet = new();
    private readonly MetricsRegistry _registry;

    public AgentInstrumentsTests()
    {
        _registry = new MetricsRegistry(i => ReferenceEquals(i.Meter, _healing.Meter) || ReferenceEquals(i.Meter, _kubelet.Meter));
    }

    private Task<string> ScrapeAsync() => _registry.ScrapeAsync(CancellationToken.None);

    private static double Sample(string text, string series)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no sample {series} in:\n{text}");
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_restart_in_three_milliseconds_falls_in_the_five_millisecond_bucket_of_its_node()
    {
        _healing.ContainerRestarted(TimeSpan.FromMilliseconds(3));
        _healing.ProbeRestarted(TimeSpan.FromMilliseconds(40));

        var text = await ScrapeAsync();

        Assert.Contains("# TYPE axolotl_container_restart_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Equal(0, Sample(text, "axolotl_container_restart_duration_seconds_bucket{node=\"node-a\",le=\"0.0025\"}"));
        Assert.Equal(1, Sample(text, "axolotl_container_restart_duration_seconds_bucket{node=\"node-a\",le=\"0.005\"}"));
        Assert.Equal(1, Sample(text, "axolotl_container_restart_duration_seconds_count{node=\"node-a\"}"));
        Assert.Equal(0.003, Sample(text, "axolotl_container_restart_duration_seconds_sum{node=\"node-a\"}"), 9);
        Assert.Equal(0, Sample(text, "axolotl_probe_restart_duration_seconds_bucket{node=\"node-a\",le=\"0.025\"}"));
        Assert.Equal(1, Sample(text, "axolotl_probe_restart_duration_seconds_bucket{node=\"node-a\",le=\"0.05\"}"));
        // Nothing was removed yet: the family is announced, without a series.
        Assert.Contains("# TYPE axolotl_readiness_endpoint_removal_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("axolotl_readiness_endpoint_removal_seconds_count", text, StringComparison.Ordinal);
        Assert.Empty(DuplicateSeries.Find(text));
    }

    [Fact]
    public async Task A_span_that_reads_negative_from_reordered_clock_readings_counts_as_zero()
    {
        _healing.ContainerRestarted(TimeSpan.FromMilliseconds(-2));

        var text = await ScrapeAsync();

        Assert.Equal(1, Sample(text, "axolotl_container_restart_duration_seconds_bucket{node=\"node-a\",le=\"0.001\"}"));
    }

    [Fact]
    public async Task Runtime_operations_are_counted_and_timed_by_operation_type_and_a_throwing_call_is_an_error()
    {
        var fake = new FakeRuntime(_time) { ExecHandler = (_, _) => { _time.Advance(TimeSpan.FromMilliseconds(50)); return 0; } };
        var runtime = new InstrumentedRuntime(fake, _kubelet, _time);
        var sandbox = await runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "web", "web"), CancellationToken.None);
        var handle = await runtime.StartAsync(sandbox, new ContainerSpec("uid-1", "app", ["/bin/app"], new Dictionary<string, string>(), null, ""), CancellationToken.None);

        await runtime.ExecAsync(handle, new ExecSpec(["true"], false, null, Stream.Null, null, Prompt: true), CancellationToken.None);
        await runtime.ExecAsync(handle, new ExecSpec(["sh"], false, null, Stream.Null, null), CancellationToken.None);
        await runtime.StopAsync(handle, TimeSpan.FromSeconds(1), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.ExecAsync(handle, new ExecSpec(["true"], false, null, Stream.Null, null, Prompt: true), CancellationToken.None));

        var text = await ScrapeAsync();
        Assert.Equal(1, Sample(text, "kubelet_runtime_operations_total{operation_type=\"run_podsandbox\"}"));
        Assert.Equal(1, Sample(text, "kubelet_runtime_operations_total{operation_type=\"start_container\"}"));
        Assert.Equal(1, Sample(text, "kubelet_runtime_operations_total{operation_type=\"stop_container\"}"));
        Assert.Equal(2, Sample(text, "kubelet_runtime_operations_total{operation_type=\"exec_sync\"}"));
        Assert.Equal(1, Sample(text, "kubelet_runtime_operations_total{operation_type=\"exec\"}"));
        Assert.Equal(1, Sample(text, "kubelet_runtime_operations_errors_total{operation_type=\"exec_sync\"}"));
        Assert.DoesNotContain("kubelet_runtime_operations_errors_total{operation_type=\"exec\"}", text, StringComparison.Ordinal);
        // Upstream's ExponentialBuckets(.005, 2.5, 14): 50 ms is above 31.25 ms and within 78.125 ms.
        Assert.Equal(0, Sample(text, "kubelet_runtime_operations_duration_seconds_bucket{operation_type=\"exec\",le=\"0.03125\"}"));
        Assert.Equal(1, Sample(text, "kubelet_runtime_operations_duration_seconds_bucket{operation_type=\"exec\",le=\"0.078125\"}"));
        Assert.Equal(14, BucketBounds().Matches(text).Count(m => m.Groups[1].Value == "exec"));
        Assert.Empty(DuplicateSeries.Find(text));
    }

    [Fact]
    public async Task A_call_cancelled_by_its_caller_is_an_operation_but_not_an_error()
    {
        var fake = new FakeRuntime(_time) { ExecHandler = (_, _) => throw new OperationCanceledException() };
        var runtime = new InstrumentedRuntime(fake, _kubelet, _time);
        var sandbox = await runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "web", "web"), CancellationToken.None);
        var handle = await runtime.StartAsync(sandbox, new ContainerSpec("uid-1", "app", ["/bin/app"], new Dictionary<string, string>(), null, ""), CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => runtime.ExecAsync(handle, new ExecSpec(["sh"], false, null, Stream.Null, null), cancelled.Token));

        var text = await ScrapeAsync();
        Assert.Equal(1, Sample(text, "kubelet_runtime_operations_total{operation_type=\"exec\"}"));
        Assert.DoesNotContain("kubelet_runtime_operations_errors_total{operation_type=\"exec\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pod_start_histograms_use_upstreams_buckets_and_only_the_first_pod_on_the_pod_network_is_first_with_network()
    {
        _kubelet.PodStarted(TimeSpan.FromSeconds(1.5));
        _kubelet.PodStartedSli(TimeSpan.FromSeconds(0.4), hostNetwork: true);
        _kubelet.PodStartedSli(TimeSpan.FromSeconds(0.7), hostNetwork: false);
        _kubelet.PodStartedSli(TimeSpan.FromSeconds(0.8), hostNetwork: false);

        var text = await ScrapeAsync();

        Assert.Equal(0, Sample(text, "kubelet_pod_start_duration_seconds_bucket{le=\"1\"}"));
        Assert.Equal(1, Sample(text, "kubelet_pod_start_duration_seconds_bucket{le=\"2\"}"));
        Assert.Equal(1, Sample(text, "kubelet_pod_start_duration_seconds_bucket{le=\"3600\"}"));
        Assert.Equal(1, Sample(text, "kubelet_pod_start_sli_duration_seconds_count{first_with_network=\"true\"}"));
        Assert.Equal(2, Sample(text, "kubelet_pod_start_sli_duration_seconds_count{first_with_network=\"false\"}"));
        Assert.Contains("# HELP kubelet_pod_start_duration_seconds [ALPHA] Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run\n", text, StringComparison.Ordinal);
    }

    [GeneratedRegex("kubelet_runtime_operations_duration_seconds_bucket\\{operation_type=\"([a-z_]+)\",le=\"[0-9.e+-]+\"\\}")]
    private static partial Regex BucketBounds();

    public void Dispose()
    {
        _registry.Dispose();
        _healing.Dispose();
        _kubelet.Dispose();
    }
}
