using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// What a user waits for: the real kubectl process, spawn to exit, listing 1,000 pods (and, in the
/// full run, `get pods -A` over 10,000 in ten namespaces). One warm-up run fills kubectl's private
/// discovery cache; the median of the next five is reported. Output line counts are checked.
/// </summary>
internal sealed class KubectlGetScenario : IScenario
{
    private const int Runs = 5;
    private const int PerNamespace = 1_000;
    private const int Clients = 8;
    private static readonly TimeSpan KubectlTimeout = TimeSpan.FromSeconds(60);

    public string Name => "kubectl-get";

    public string Description => "wall time of /usr/bin/kubectl get pods over 1,000 pods (and get pods -A over 10,000 in the full run)";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 25 : 150);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        await using var server = await context.StartServerAsync(ct);
        var config = server.Kubeconfig;
        var kubectl = context.Kubectl(server);

        context.Log($"{Name}: loading {PerNamespace} pods");
        await PodLoader.CreateAsync(config, context.Http2, "default", 0, PerNamespace, Clients, "load", ct);
        var (wall, kubectlCpu, serverCpu) = await TimeAsync(kubectl, server.Pid, ["get", "pods"], PerNamespace,
            $"kubectl get pods, {PerNamespace:N0} pods", ct);
        var summary = report.Add(wall, $"median of {Runs} after a warm-up", serverCpu);
        report.Add(kubectlCpu, "kubectl's own user + system time");
        report.Target("`kubectl get pods` over 1,000 pods (median)", summary.P50, 300, "ms");

        if (!context.Quick)
        {
            const int namespaces = 9;
            context.Log($"{Name}: loading {namespaces * PerNamespace} more pods in {namespaces} namespaces");
            using (var api = context.Connect(server))
            {
                for (var n = 1; n <= namespaces; n++)
                {
                    await PodLoader.EnsureNamespaceAsync(api, $"bench-{n}", ct);
                }
            }
            for (var n = 1; n <= namespaces; n++)
            {
                await PodLoader.CreateAsync(config, context.Http2, $"bench-{n}", 0, PerNamespace, Clients, "load", ct);
            }
            var total = (namespaces + 1) * PerNamespace;
            (wall, kubectlCpu, serverCpu) = await TimeAsync(kubectl, server.Pid, ["get", "pods", "-A"], total,
                $"kubectl get pods -A, {total:N0} pods", ct);
            report.Add(wall, $"median of {Runs} after a warm-up", serverCpu);
            report.Add(kubectlCpu, "kubectl's own user + system time");
        }
    }

    /// <summary>One warm-up run, then <see cref="Runs"/> timed ones; the CPU meter covers the server during the timed runs only.</summary>
    private static async Task<(LatencySamples Wall, LatencySamples KubectlCpu, CpuMeter ServerCpu)> TimeAsync(KubectlRunner kubectl,
        int pid, string[] args, int expectedRows, string series, CancellationToken ct)
    {
        await RunCheckedAsync(kubectl, args, expectedRows, ct);
        var wall = new LatencySamples(series);
        var kubectlCpu = new LatencySamples($"{series}: kubectl CPU");
        var cpu = CpuMeter.Start(pid);
        for (var run = 0; run < Runs; run++)
        {
            var result = await RunCheckedAsync(kubectl, args, expectedRows, ct);
            wall.AddMilliseconds(result.Milliseconds);
            kubectlCpu.AddMilliseconds(result.CpuMilliseconds);
        }
        return (wall, kubectlCpu, cpu);
    }

    private static async Task<KubectlRun> RunCheckedAsync(KubectlRunner kubectl, string[] args, int expectedRows, CancellationToken ct)
    {
        var result = await kubectl.RunAsync(args, KubectlTimeout, ct);
        if (result.ExitCode != 0 || result.Lines != expectedRows + 1 || result.FirstLine?.Contains("NAME", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException(
                $"kubectl {string.Join(' ', args)}: exit {result.ExitCode}, {result.Lines} lines (want {expectedRows} rows and a header): {result.Stderr}");
        }
        return result;
    }
}
