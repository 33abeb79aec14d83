using System.Diagnostics;
using System.Globalization;

namespace Axolotl.Api.Metrics;

/// <summary>
/// The process families every Kubernetes component serves (Prometheus' process collector: memory,
/// CPU, file descriptors, start time) and the .NET runtime's in place of Go's: the GC heap, what the
/// GC holds committed, collections per generation, threads. An operator and the soak benchmark read
/// growth from these without access to /proc.
/// </summary>
public sealed class ProcessCollector : IMetricsCollector
{
    private static readonly double StartTimeSeconds =
        new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;

    public Task CollectAsync(ExpositionWriter writer, CancellationToken ct)
    {
        var (resident, virtualBytes) = ReadStatm();
        Gauge(writer, "process_resident_memory_bytes", "Resident memory size in bytes.", resident);
        Gauge(writer, "process_virtual_memory_bytes", "Virtual memory size in bytes.", virtualBytes);
        Counter(writer, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
        Gauge(writer, "process_open_fds", "Number of open file descriptors.", OpenFds());
        Gauge(writer, "process_max_fds", "Maximum number of open file descriptors.", MaxFds());
        Gauge(writer, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", StartTimeSeconds);

        var gc = GC.GetGCMemoryInfo();
        Gauge(writer, "dotnet_gc_heap_size_bytes", "Bytes the GC heap held after the last collection, fragmentation included.", gc.HeapSizeBytes);
        Gauge(writer, "dotnet_gc_committed_bytes", "Bytes of memory the GC holds committed.", gc.TotalCommittedBytes);
        Counter(writer, "dotnet_gc_allocated_bytes_total", "Bytes allocated on the GC heap since the process started.", GC.GetTotalAllocatedBytes(precise: false));
        writer.Family("dotnet_gc_collections_total", "Garbage collections since the process started, by generation.", MetricType.Counter);
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            writer.Sample("dotnet_gc_collections_total", GC.CollectionCount(generation), "generation", generation.ToString(CultureInfo.InvariantCulture));
        }
        Counter(writer, "dotnet_gc_pause_seconds_total", "Time the GC has paused the process since it started.", GC.GetTotalPauseDuration().TotalSeconds);
        Gauge(writer, "dotnet_threads", "Threads of the process.", Threads());
        return Task.CompletedTask;
    }

    private static void Gauge(ExpositionWriter writer, string name, string help, double value)
    {
        writer.Family(name, help, MetricType.Gauge);
        writer.Sample(name, value);
    }

    private static void Counter(ExpositionWriter writer, string name, string help, double value)
    {
        writer.Family(name, help, MetricType.Counter);
        writer.Sample(name, value);
    }

    private static (double Resident, double Virtual) ReadStatm()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            var page = (double)Environment.SystemPageSize;
            return (long.Parse(fields[1], CultureInfo.InvariantCulture) * page, long.Parse(fields[0], CultureInfo.InvariantCulture) * page);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (Environment.WorkingSet, double.NaN);
        }
    }

    private static double OpenFds()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }

    private static double MaxFds()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var soft = line["Max open files".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return soft == "unlimited" ? double.PositiveInfinity : double.Parse(soft, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return double.NaN;
    }

    private static double Threads()
    {
        try
        {
            return Directory.EnumerateDirectories("/proc/self/task").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Process.GetCurrentProcess().Threads.Count;
        }
    }
}
