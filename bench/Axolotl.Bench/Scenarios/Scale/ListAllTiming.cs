using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Scale;

/// <summary>
/// `kubectl get pods -A` over every pod, against the server and then against a <see cref="KubectlReplay"/> of the
/// same answers: the second is kubectl's own floor (its rate limiter and decoding), so the report shows how much of
/// the wall time the server could still take out.
/// </summary>
internal static class ListAllTiming
{
    public static async Task MeasureAsync(BenchContext context, ServerProcess server, ScenarioReport report, int total, CancellationToken ct)
    {
        var runs = context.Quick ? 2 : 3;
        var timeout = TimeSpan.FromSeconds(Math.Max(60, total / 500));
        context.Log($"scale: kubectl get pods -A over {total:N0} pods, {runs} runs after a warm-up, then as many against a replay of its answers");
        var wall = await TimeAsync(context.Kubectl(server), $"kubectl get pods -A, {total:N0} pods", total, runs, timeout, ct);
        var listed = report.Add(wall, $"median of {runs} after a warm-up");
        IssueTargets.CheckList(report, total, listed.P50);

        using var api = context.Connect(server);
        await using var replay = KubectlReplay.Start(api, Path.Combine(server.DataDir, "kubectl-replay"));
        var floor = await TimeAsync(new KubectlRunner(context.Options.KubectlBinary, replay.KubeconfigPath, replay.WorkDir),
            $"kubectl get pods -A, {total:N0} pods, against a replay of the server's answers from memory", total, runs, timeout, ct);
        var replayed = report.Add(floor, $"kubectl's own floor: the warm-up recorded {replay.Recorded} answers, the runs took no server time; " +
            "what is left is kubectl's decoding and printing and its client-side limit of 5 requests/s after a burst of 10");
        report.Add("kubectl get pods -A: server ÷ replay (median wall)", listed.P50 / replayed.P50, "×",
            "1.00 would mean the server adds nothing to what kubectl costs itself");
    }

    private static async Task<LatencySamples> TimeAsync(KubectlRunner kubectl, string series, int total, int runs, TimeSpan timeout, CancellationToken ct)
    {
        var wall = new LatencySamples(series);
        for (var run = -1; run < runs; run++)
        {
            var result = await kubectl.RunAsync(["get", "pods", "-A"], timeout, ct);
            if (result.ExitCode != 0 || result.Lines != total + 1)
            {
                throw new InvalidOperationException($"{series}: exit {result.ExitCode}, {result.Lines} lines (want {total} rows and a header): {result.Stderr}");
            }
            if (run >= 0)
            {
                wall.AddMilliseconds(result.Milliseconds);
            }
        }
        return wall;
    }
}
