using Axolotl.Api.Metrics;
using Axolotl.Client.Queue;
using Axolotl.Testing;

namespace Axolotl.Client.Tests.Queue;

public sealed class WorkQueueMetricsTests
{
    [Fact]
    public async Task A_named_queue_reports_adds_depth_waiting_and_working_time_and_retries_under_its_name()
    {
        var time = new FakeTimeProvider();
        using var registry = MetricsRegistry.ForMeters(WorkQueueMetrics.MeterName);
        var name = $"test-{Guid.NewGuid():N}";
        using var queue = new RateLimitingQueue<string>(time) { Name = name };

        queue.Add("a");
        queue.Add("b");
        time.Advance(TimeSpan.FromMilliseconds(5));
        var (item, _) = await queue.GetAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));
        var working = await registry.ScrapeAsync(CancellationToken.None);
        queue.Done(item);
        queue.AddRateLimited(item);
        var after = await registry.ScrapeAsync(CancellationToken.None);

        Assert.Contains($"workqueue_adds_total{{name=\"{name}\"}} 2\n", working, StringComparison.Ordinal);
        Assert.Contains($"workqueue_depth{{name=\"{name}\"}} 1\n", working, StringComparison.Ordinal);
        Assert.Contains($"workqueue_longest_running_processor_seconds{{name=\"{name}\"}} 2\n", working, StringComparison.Ordinal);
        Assert.Contains($"workqueue_queue_duration_seconds_bucket{{name=\"{name}\",le=\"0.01\"}} 1\n", working, StringComparison.Ordinal);
        Assert.Contains($"workqueue_work_duration_seconds_count{{name=\"{name}\"}} 1\n", after, StringComparison.Ordinal);
        Assert.Contains($"workqueue_work_duration_seconds_bucket{{name=\"{name}\",le=\"1\"}} 0\n", after, StringComparison.Ordinal);
        Assert.Contains($"workqueue_retries_total{{name=\"{name}\"}} 1\n", after, StringComparison.Ordinal);
        Assert.Contains($"workqueue_longest_running_processor_seconds{{name=\"{name}\"}} 0\n", after, StringComparison.Ordinal);
        Assert.Empty(DuplicateSeries.Find(after));
    }
}
