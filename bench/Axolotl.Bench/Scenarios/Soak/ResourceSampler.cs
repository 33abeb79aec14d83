using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// Reads one <see cref="ResourceSample"/>: the process figures from /proc of the server's current PID
/// (the embedded node agent is the same process), the database files' sizes, and counts through the API.
/// The GC heap and the GC's pauses come from the server's /metrics (dotnet_gc_heap_size_bytes,
/// dotnet_gc_committed_bytes, dotnet_gc_pause_seconds_total); RssAnon, the anonymous resident memory, holds what the GC
/// committed and native allocations (SQLite, sockets, thread stacks, the runtime's own), so their difference is the native part.
/// </summary>
internal sealed class ResourceSampler(NodeServer node, ApiClient api, IReadOnlyList<FailureCount> failures)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _previousAt = Stopwatch.GetTimestamp();
    private int _previousPid;
    private double _previousCpuMs;
    private double _previousPauseSeconds;
    private int _previousPidForPause;

    public double MinutesSinceStart => Stopwatch.GetElapsedTime(_started).TotalMinutes;

    public async Task<ResourceSample> TakeAsync(CancellationToken ct)
    {
        var pid = node.Pid;
        var now = Stopwatch.GetTimestamp();
        var cpuMs = Try(() => ProcStatus.CpuMilliseconds(pid));
        // After a restart the counter starts over in the new process: its whole CPU time is this interval's.
        // The first sample has no interval before it.
        var cpuSince = _previousPid == 0 ? double.NaN : pid == _previousPid ? cpuMs - _previousCpuMs : cpuMs;
        var cores = cpuSince / Stopwatch.GetElapsedTime(_previousAt, now).TotalMilliseconds;
        (_previousAt, _previousPid, _previousCpuMs) = (now, pid, cpuMs);

        var (crash, other) = await RestartsAsync(ct);
        var (heapBytes, committedBytes, pauseSeconds) = await GcAsync(ct);
        // Like the CPU: a restarted process's counter starts over, so all of it is this interval's.
        var pauseSince = pid == _previousPidForPause ? pauseSeconds - _previousPauseSeconds : pauseSeconds;
        (_previousPidForPause, _previousPauseSeconds) = (pid, double.IsNaN(pauseSeconds) ? _previousPauseSeconds : pauseSeconds);
        return new ResourceSample(
            Minutes: MinutesSinceStart,
            Pid: pid,
            RssMegabytes: Try(() => ProcStatus.RssMegabytes(pid)),
            AnonymousMegabytes: Try(() => StatusKilobytes(pid, "RssAnon") / 1024.0),
            HeapMegabytes: heapBytes / 1048576.0,
            GcCommittedMegabytes: committedBytes / 1048576.0,
            GcPauseMilliseconds: pauseSince * 1000,
            OpenFds: Try(() => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length),
            Threads: Try(() => double.Parse(MachineInfo.ProcLine($"/proc/{pid}/status", "Threads") ?? "NaN", CultureInfo.InvariantCulture)),
            CpuCores: cores,
            DatabaseMegabytes: FileMegabytes("state.db"),
            WalMegabytes: FileMegabytes("state.db-wal"),
            Events: await CountAsync("/api/v1/events", ct),
            CrashLoopRestarts: crash,
            OtherRestarts: other,
            FailedWhileUp: failures.Sum(f => f.FailedWhileUp),
            FailedWhileDown: failures.Sum(f => f.FailedWhileDown));
    }

    private async Task<double> CountAsync(string path, CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await api.GetAsync(path, ct));
            return doc.RootElement.GetProperty("items").GetArrayLength();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return double.NaN;
        }
    }

    /// <summary>The GC heap size, the GC's committed bytes and the total GC pause from the server's Prometheus text; NaN while it is down.</summary>
    private async Task<(double HeapBytes, double CommittedBytes, double PauseSeconds)> GcAsync(CancellationToken ct)
    {
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(await api.GetAsync("/metrics", ct));
            return (MetricValue(text, "dotnet_gc_heap_size_bytes"), MetricValue(text, "dotnet_gc_committed_bytes"), MetricValue(text, "dotnet_gc_pause_seconds_total"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (double.NaN, double.NaN, double.NaN);
        }
    }

    private static double MetricValue(string text, string name)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal)
                && double.TryParse(line.AsSpan(name.Length + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }
        return double.NaN;
    }

    private async Task<(double CrashLoop, double Other)> RestartsAsync(CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await api.GetAsync($"/api/v1/namespaces/{SoakWorkload.Namespace}/pods", ct));
            double crash = 0, other = 0;
            foreach (var pod in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                var app = pod.GetProperty("metadata").TryGetProperty("labels", out var labels) && labels.TryGetProperty("app", out var a) ? a.GetString() : null;
                var restarts = pod.TryGetProperty("status", out var status) && status.TryGetProperty("containerStatuses", out var containers)
                    ? containers.EnumerateArray().Sum(c => c.GetProperty("restartCount").GetInt32()) : 0;
                if (app == SoakWorkload.CrashApp)
                {
                    crash += restarts;
                }
                else
                {
                    other += restarts;
                }
            }
            return (crash, other);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (double.NaN, double.NaN);
        }
    }

    private double FileMegabytes(string name)
    {
        var file = new FileInfo(Path.Combine(node.Server.DataDir, name));
        return file.Exists ? file.Length / 1048576.0 : 0;
    }

    private static double StatusKilobytes(int pid, string key) =>
        MachineInfo.ParseKilobytes(MachineInfo.ProcLine($"/proc/{pid}/status", key)) ?? double.NaN;

    private static double Try(Func<double> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return double.NaN;
        }
    }
}
