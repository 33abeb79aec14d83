using System.Globalization;
using Axolotl.Api.Metrics;

namespace Axolotl.Api.Tests.Metrics;

public sealed class ProcessCollectorTests
{
    [Fact]
    public async Task It_serves_the_process_families_with_this_process_figures()
    {
        using var registry = new MetricsRegistry(_ => false);
        registry.Add(new ProcessCollector());
        var fds = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();

        var output = await registry.ScrapeAsync(CancellationToken.None);

        Assert.Contains("# TYPE process_resident_memory_bytes gauge\n", output, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_cpu_seconds_total counter\n", output, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total{generation=\"2\"} ", output, StringComparison.Ordinal);
        Assert.Empty(DuplicateSeries.Find(output));
        // Resident memory is this process's (more than the GC heap it holds), and the descriptors are its own, give or take the scrape's.
        Assert.True(Value(output, "process_resident_memory_bytes") > GC.GetTotalMemory(forceFullCollection: false));
        Assert.InRange(Value(output, "process_open_fds"), fds - 8, fds + 8);
        Assert.True(Value(output, "process_max_fds") >= Value(output, "process_open_fds"));
        Assert.True(Value(output, "dotnet_threads") >= 1);
        var start = DateTimeOffset.FromUnixTimeMilliseconds((long)(Value(output, "process_start_time_seconds") * 1000));
        Assert.InRange(start, DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow);
    }

    private static double Value(string output, string name)
    {
        var line = output.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        var text = line[(name.Length + 1)..];
        return text == "+Inf" ? double.PositiveInfinity : double.Parse(text, CultureInfo.InvariantCulture);
    }
}
