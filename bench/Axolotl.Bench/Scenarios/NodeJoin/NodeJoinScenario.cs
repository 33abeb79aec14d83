using System.Diagnostics;
using System.Net;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Scenarios.Workloads;

namespace Axolotl.Bench.Scenarios.NodeJoin;

/// <summary>
/// Node join: a control-plane-only server, then one `axolotl agent` process after another, each a
/// fresh node joining with the server's join token, timed from the spawn to the arrival of the watch
/// event showing its Node Ready. On the way, from the same watches: its kubelet client CSR created and
/// issued (once agents bootstrap with a CSR), its Node created; from its output: its first line
/// (process start) and its "joined" line. Both runtimes: fake (nothing on the host) and process (a
/// real node: bridge, cgroups, service proxy and DNS set up before it reports Ready). After each
/// join the agent is stopped by PID, its Node and Lease deleted and its host leftovers removed.
/// The first join of each runtime is reported apart: it also warms the server's join path up.
/// </summary>
internal sealed class NodeJoinScenario : IScenario
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);

    public string Name => "node-join";

    public string Description =>
        "`axolotl agent` spawned → its Node Ready on a watch (fresh node each time, join token), with the phases the API and its output show; fake and process runtimes";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 120);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var joins = context.Quick ? 3 : 10;
        // A service range of its own, as the node scenarios take, so a real agent's proxy shares no cluster IP with a test server's.
        var serviceSlot = Enumerable.Range(220, 35).OrderBy(_ => Random.Shared.Next())
            .First(s => !new DirectoryInfo("/sys/class/net").EnumerateFileSystemInfos($"axl*{s}").Any());
        var serviceCidr = $"10.96.{serviceSlot}.0/24";
        using var flags = await ServerFlags.CreateAsync(context, ["--service-cidr", serviceCidr], ct);
        await using var server = await flags.Context.StartServerAsync(ct);
        using var api = context.Connect(server);
        await using var watch = await NodeJoinWatch.OpenAsync(server.Kubeconfig, context.Http2, ct);
        if (!watch.WatchesCsrs)
        {
            report.Notes.Add("this server does not serve certificates.k8s.io/v1: no CSR phases");
        }
        report.Notes.Add("no peer: the benchmark's peers (supervisord, PM2, runit) are process supervisors, with nothing like a node joining a cluster");

        foreach (var fake in new[] { true, false })
        {
            var runtime = fake ? "fake" : "process";
            var phases = new JoinPhases(runtime);
            CpuMeter? serverCpu = null;
            for (var join = 0; join <= joins; join++)
            {
                if (join == 1)
                {
                    serverCpu = CpuMeter.Start(server.Pid);
                }
                var nodeName = $"join-{runtime}-{join}-{Guid.NewGuid().ToString("N")[..6]}";
                var total = await JoinOnceAsync(context, server, api, watch, nodeName, serviceCidr, fake, join == 0 ? null : phases, ct);
                if (join == 0)
                {
                    report.Add($"{runtime} runtime: first join on the server (warms its join path up; not in the series)", total, "ms");
                }
                context.Log($"{Name}: {runtime} runtime, join {join}/{joins}{(join == 0 ? " (warm-up)" : "")}: {nodeName} Ready {total:F0} ms after spawn");
            }
            phases.AddTo(report, joins, serverCpu!);
        }
    }

    private static async Task<double> JoinOnceAsync(BenchContext context, ServerProcess server, ApiClient api, NodeJoinWatch watch,
        string nodeName, string serviceCidr, bool fake, JoinPhases? phases, CancellationToken ct)
    {
        var stamps = watch.For(nodeName);
        var agent = JoiningAgent.Start(context.Options.ServerBinary, server, nodeName, serviceCidr, fake);
        try
        {
            var ready = await WaitReadyAsync(agent, stamps, ct);
            var agentCpu = ProcStatus.CpuMilliseconds(agent.Pid);
            // The agent prints its "joined" line once its kubelet endpoint is up too, which may be after
            // the Node is Ready: give it a moment (for the phase only; the total is already taken).
            var waited = Stopwatch.StartNew();
            while (agent.JoinedLine == 0 && !agent.HasExited && waited.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(20, ct);
            }
            phases?.Add(agent, stamps, ready, agentCpu);
            return Stopwatch.GetElapsedTime(agent.Spawned, ready).TotalMilliseconds;
        }
        finally
        {
            await agent.StopAsync();
            await DeleteAsync(api, $"/api/v1/nodes/{nodeName}");
            await DeleteAsync(api, $"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{nodeName}");
            await agent.DisposeAsync();
        }
    }

    /// <summary>The Ready event's arrival; fails at once if the agent exits, and after <see cref="JoinTimeout"/>.</summary>
    private static async Task<long> WaitReadyAsync(JoiningAgent agent, JoinStamps stamps, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var finished = await Task.WhenAny(stamps.Ready.Task, Task.Delay(50, ct));
            if (finished == stamps.Ready.Task)
            {
                return await stamps.Ready.Task;
            }
            ct.ThrowIfCancellationRequested();
            if (agent.HasExited)
            {
                throw new InvalidOperationException($"axolotl agent for {agent.NodeName} exited before its Node was Ready:\n{agent.Log}");
            }
            if (waited.Elapsed > JoinTimeout)
            {
                throw new TimeoutException($"node {agent.NodeName} not Ready {JoinTimeout.TotalSeconds:F0} s after its agent started:\n{agent.Log}");
            }
        }
    }

    private static async Task DeleteAsync(ApiClient api, string path)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await api.SendAsync(HttpMethod.Delete, path, null, null, HttpStatusCode.OK, cts.Token);
        }
        catch (HttpRequestException e) when (e.Message.Contains("got 404", StringComparison.Ordinal))
        {
            // Never made (a join that failed early) or already gone.
        }
    }
}
