using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Scale;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// The Job controller's throughput: a control-plane server plus one `axolotl agent --runtime fake
/// --fake-nodes 5` process; a Job of 1,000 completions with parallelism 50 whose fake containers exit 0
/// after 100 ms (AXOLOTL_FAKE_EXIT_AFTER). Measured from the Job POST to the Complete condition:
/// completions per second, the server's CPU per completion (its API, scheduler and controllers,
/// including the job-tracking finalizer writes), the agent's for comparison. The Job's counters are
/// checked: exactly 1,000 succeeded and no failed pod, or the run fails.
/// </summary>
internal sealed class JobThroughputScenario : IScenario
{
    private const int Completions = 1000;
    private const int Parallelism = 50;
    private const int Nodes = 5;
    private const string Namespace = "bench-jobs";

    public string Name => "job-throughput";

    public string Description => $"fake nodes: a Job of {Completions:N0} completions, parallelism {Parallelism}, pods exiting 0 after 100 ms: completions/s and server CPU per completion";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 240 : 300);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        await using var server = await context.StartServerAsync(ct);
        await using var agent = await FakeNodesAgent.StartAsync(context.Options.ServerBinary, server, Nodes, ct);
        using var api = context.Connect(server);
        await ScaleScenario.WaitNodesReadyAsync(api, Nodes, ct);
        await PodLoader.EnsureNamespaceAsync(api, Namespace, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);

        context.Log($"{Name}: a Job of {Completions} completions, parallelism {Parallelism}, load {ProcStatus.LoadAverage()}");
        var serverCpu = CpuMeter.Start(server.Pid);
        var agentCpu = CpuMeter.Start(agent.Pid);
        var started = Stopwatch.GetTimestamp();
        await api.CreateAsync($"/apis/batch/v1/namespaces/{Namespace}/jobs", Encoding.UTF8.GetBytes(Manifest()), ct);
        var (succeeded, failed, halfway) = await WaitCompleteAsync(context, api, started, ct);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (succeeded != Completions || failed != 0)
        {
            throw new InvalidOperationException($"the Job completed with succeeded={succeeded} failed={failed}, want {Completions} and 0");
        }
        report.Add("Job POST → Complete", seconds * 1000, "ms", $"{Completions:N0} completions, parallelism {Parallelism}, {Nodes} fake nodes, pods exit after 100 ms");
        report.Add("completions per second", Completions / seconds, "completions/s", "whole run; the pods' own 100 ms bound it at 500/s with 50 in parallel");
        if (halfway is { } half)
        {
            report.Add("completions per second, second half", (Completions / 2) / (seconds - half), "completions/s", "from the 500th success to Complete (warm)");
        }
        report.Add("server CPU per completion", serverCpu.PerOperation(Completions), "ms", $"{serverCpu.ElapsedMilliseconds / 1000 / seconds:F2} cores on average: API, scheduler, Job controller (pod create, status, finalizer removal), GC");
        report.Add("agent CPU per completion", agentCpu.PerOperation(Completions), "ms", $"{Nodes} fake nodes: pod workers and status writes, no processes");
        report.Add("server peak RSS", ProcStatus.PeakRssMegabytes(server.Pid), "MB", "VmHWM over the scenario");
    }

    private static string Manifest() =>
        "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\"throughput\",\"namespace\":\"" + Namespace + "\"}," +
        "\"spec\":{\"completions\":" + Completions.ToString(CultureInfo.InvariantCulture) + ",\"parallelism\":" + Parallelism.ToString(CultureInfo.InvariantCulture) +
        ",\"backoffLimit\":0,\"template\":{\"spec\":{\"restartPolicy\":\"Never\",\"terminationGracePeriodSeconds\":1," +
        "\"containers\":[{\"name\":\"work\",\"image\":\"busybox:1.36\",\"command\":[\"true\"]," +
        "\"env\":[{\"name\":\"AXOLOTL_FAKE_EXIT_AFTER\",\"value\":\"100ms\"}]}]}}}}";

    /// <summary>Polls the Job every 100 ms until it has a Complete or Failed condition; returns its counters and when half had succeeded.</summary>
    private static async Task<(int Succeeded, int Failed, double? Halfway)> WaitCompleteAsync(BenchContext context, ApiClient api, long started, CancellationToken ct)
    {
        double? halfway = null;
        var lastLog = 0;
        while (true)
        {
            using var job = JsonDocument.Parse(await api.GetAsync($"/apis/batch/v1/namespaces/{Namespace}/jobs/throughput", ct));
            var status = job.RootElement.TryGetProperty("status", out var s) ? s : default;
            int Count(string name) => status.ValueKind == JsonValueKind.Object && status.TryGetProperty(name, out var v) ? v.GetInt32() : 0;
            var succeeded = Count("succeeded");
            if (halfway is null && succeeded >= Completions / 2)
            {
                halfway = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
            if (succeeded / 250 > lastLog)
            {
                lastLog = succeeded / 250;
                context.Log($"job-throughput: {succeeded.ToString(CultureInfo.InvariantCulture)} succeeded after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            }
            if (status.ValueKind == JsonValueKind.Object && status.TryGetProperty("conditions", out var conditions) &&
                conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() is "Complete" or "Failed" && c.GetProperty("status").GetString() == "True"))
            {
                return (succeeded, Count("failed"), halfway);
            }
            await Task.Delay(100, ct);
        }
    }
}
