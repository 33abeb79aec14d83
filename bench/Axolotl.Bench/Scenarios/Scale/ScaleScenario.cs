using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Scale;

/// <summary>
/// Kubernetes' scalability SLOs on fake nodes: a control-plane-only server and one
/// `axolotl agent --runtime fake --fake-nodes N` process (full: 100 nodes, quick: 10), 100 pods per node
/// created as bare pods by 12 concurrent clients across 10 namespaces. Measures create throughput and
/// latency, pod startup (POST sent → watch event showing it Running; SLO p99 ≤ 5 s), another client's
/// mutating calls during the load (SLO p99 ≤ 1 s), `kubectl get pods -A` over every pod, and the
/// resource cost of the server and of the agent process idle with 0, 100 and all pods.
/// </summary>
internal sealed class ScaleScenario : IScenario
{
    private const int PodsPerNode = 100;
    private const int FirstBatch = 100;
    private const int Clients = 12;
    private const int Namespaces = 10;
    private const string ProbeNamespace = "scale-probe";

    public string Name => "scale";

    public string Description =>
        "fake nodes (`agent --runtime fake --fake-nodes N`), N×100 bare pods by 12 clients: create throughput, startup p50/p99, " +
        "another client's mutating p99 under load, `kubectl get pods -A`, server and agent RSS and idle CPU at 0, 100 and N×100 pods";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 300);

    /// <summary>Past the full run's 100 nodes the budget grows with the pods (3 s per node).</summary>
    public TimeSpan Budget(BenchOptions options) =>
        Nodes(options) is var nodes && nodes > 100 ? TimeSpan.FromSeconds(3 * nodes + 120) : Budget(options.Quick);

    private static int Nodes(BenchOptions options) => options.ScaleNodes ?? (options.Quick ? 10 : 100);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var nodes = Nodes(context.Options);
        var total = nodes * PodsPerNode;
        var window = TimeSpan.FromSeconds(context.Quick ? 2 : 10);
        // How long the pods may take to be Running after the last POST; within the budget, so the later phases still run.
        var runningTimeout = TimeSpan.FromSeconds(Math.Max(context.Quick ? 30 : 150, total / 100));

        await using var etcd = context.Options.ScaleStore == "etcd" ? await EtcdCluster.StartAsync(3, ct) : null;
        // The default cluster CIDR has 256 pod CIDRs (/24s): a larger run takes a /12 (4,096).
        string[] cidr = nodes > 250 ? ["--cluster-cidr", "10.240.0.0/12"] : [];
        await using var server = etcd is null
            ? await context.StartServerAsync(cidr, ct)
            : await context.StartServerAsync([.. cidr, "--datastore-endpoint", etcd.Endpoints], ct);
        report.Notes.Add(etcd is null ? "Store: SQLite (the server's default)." : $"Store: a 3-member etcd on loopback ({EtcdCluster.Version()}).");
        // The whole server log, so that a stall under load can be matched to what the server said (a 100,000-pod run's
        // scheduler lost its lease and no log was left to say why).
        var logPath = Path.Combine(Path.GetTempPath(), $"axolotl-bench-scale-{DateTime.UtcNow:yyyyMMdd-HHmmss}-server.log");
        server.KeepLogIn(logPath);
        var agentLogPath = logPath.Replace("-server.log", "-agent.log", StringComparison.Ordinal);
        report.Notes.Add($"The server's and the agent's logs (each line after the bench's UTC time) were kept in {logPath} and {agentLogPath}.");
        var config = server.Kubeconfig;
        context.Log($"{Name}: starting {nodes} fake nodes");
        await using var agent = await FakeNodesAgent.StartAsync(context.Options.ServerBinary, server, nodes, ct, agentLogPath);
        using var api = context.Connect(server);
        var ready = Stopwatch.GetTimestamp();
        await WaitNodesReadyAsync(api, nodes, ct, TimeSpan.FromSeconds(Math.Max(60, nodes / 5)));
        report.Add($"{nodes} fake nodes: spawn → joined", agent.JoinMilliseconds, "ms", "the agent's \"N fake nodes … joined\" line: every Node, Lease and pod watch is up");
        report.Add($"{nodes} fake nodes: joined → all Ready in the API", Stopwatch.GetElapsedTime(ready).TotalMilliseconds, "ms");
        for (var n = 0; n < Namespaces; n++)
        {
            await PodLoader.EnsureNamespaceAsync(api, $"scale-{n}", ct);
        }
        await PodLoader.EnsureNamespaceAsync(api, ProbeNamespace, ct);

        // Right after a join both processes still tier up their code and catch up on the nodes' first
        // leases and statuses: the idle figures are taken once the server has settled, not during that.
        var settled = await SettleAsync(server.Pid, TimeSpan.FromSeconds(context.Quick ? 5 : 40), ct);
        report.Add($"{nodes} fake nodes: joined → server settled", settled.Seconds * 1000, "ms",
            settled.Settled ? $"until a 2 s window of the server's CPU under {SettledCores} cores" : $"did not settle (last 2 s window {settled.LastCores:F2} cores): the 0-pod idle figures include the join's tail");
        var idleRss = await IdleAsync(context, report, server.Pid, agent.Pid, 0, window, ct);

        await using var watch = await ClusterPodWatch.OpenAsync(config, context.Http2, ct);
        var posted = new long[total];
        context.Log($"{Name}: {FirstBatch} pods");
        var light = new LatencySamples($"pod create, first {FirstBatch} pods ({Clients} clients)");
        await CreatePodsAsync(config, context.Http2, 0, FirstBatch, posted, light, ct);
        report.Add(light);
        await StartupAsync(report, watch, posted, 0, FirstBatch, $"pod startup, first {FirstBatch} pods", runningTimeout, ct);
        await IdleAsync(context, report, server.Pid, agent.Pid, FirstBatch, window, ct);

        context.Log($"{Name}: {total - FirstBatch:N0} more pods with {Clients} clients, load {ProcStatus.LoadAverage()}");
        var bulk = new LatencySamples($"pod create under load, {total - FirstBatch:N0} pods ({Clients} clients)");
        var serverCpu = CpuMeter.Start(server.Pid);
        var agentCpu = CpuMeter.Start(agent.Pid);
        var requests = await RequestCounts.StartAsync(api, ct);
        var probeInServer = await ServerRequestDurations.StartAsync(api, "POST", "configmaps", ct);
        using var loadDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var probe = ProbeMutationsAsync(config, context.Http2, loadDone.Token);
        var progress = ProgressAsync(context, watch, bulk, FirstBatch, agent, loadDone.Token);
        var loadStart = Stopwatch.GetTimestamp();
        try
        {
            await CreatePodsAsync(config, context.Http2, FirstBatch, total - FirstBatch, posted, bulk, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The budget ran out during the load (a 100,000-pod run on a busy machine): keep how far it got.
            await loadDone.CancelAsync();
            await ReportCutShortAsync(report, api, watch, posted, bulk, serverCpu, agentCpu, requests, loadStart, total, probe);
            throw;
        }
        var bulkSummary = report.Add(bulk, "each POST timed to the last byte of its 201", serverCpu);
        var startup = await StartupAsync(report, watch, posted, FirstBatch, total - FirstBatch, $"pod startup under load, {total - FirstBatch:N0} pods", runningTimeout, ct,
            "POST sent → watch event showing it Running (scheduler bind + agent + status write + watch)");
        var allRunning = Stopwatch.GetElapsedTime(loadStart).TotalSeconds;
        await loadDone.CancelAsync();
        await progress;
        var mutations = await probe;
        var mutationSummary = report.Add(mutations, "one ConfigMap POST every 100 ms on a connection of its own while the pods are created and started");
        await ReportProbeInServerAsync(api, report, probeInServer, mutations, ct);
        report.Add("pods Running per second under load", (total - FirstBatch - startup.Missing) / allRunning, "pods/s",
            startup.Missing == 0 ? "first POST → last pod Running" : "first POST → end of the wait, pods Running by then");
        report.Add("server CPU under load", serverCpu.ElapsedMilliseconds / 1000 / allRunning, "cores", $"{serverCpu.PerOperation(total - FirstBatch):F2} ms per pod");
        report.Add("agent CPU under load", agentCpu.ElapsedMilliseconds / 1000 / allRunning, "cores", $"{agentCpu.PerOperation(total - FirstBatch):F2} ms per pod, {nodes} fake nodes");
        // Pods still not Running took longer than the wait after the last POST: past 1 % of them, the p99 is at least that.
        var startupP99 = startup.Missing * 100 <= total - FirstBatch ? startup.Startup.P99 : Math.Max(startup.Startup.P99, runningTimeout.TotalMilliseconds);
        report.Target(startup.Missing == 0 ? "pod startup p99 (SLO 5 s)" : "pod startup p99 (SLO 5 s; a lower bound, pods missing)", startupP99, 5000, "ms");
        report.Target("pods not Running after the wait", startup.Missing, 0, "pods");
        report.Target("mutating API call p99 under load, pod POSTs (SLO 1 s)", bulkSummary.P99, 1000, "ms");
        report.Target("mutating API call p99 under load, another client (SLO 1 s)", mutationSummary.P99, 1000, "ms");
        var serverPeakRss = ProcStatus.PeakRssMegabytes(server.Pid);
        report.Add("server peak RSS", serverPeakRss, "MB", "VmHWM over the scenario");
        report.Add("agent peak RSS", ProcStatus.PeakRssMegabytes(agent.Pid), "MB", "VmHWM over the scenario");

        await SchedulerCycleAsync(api, report, ct);
        await requests.ReportAsync(api, report, total - FirstBatch, [.. Enumerable.Range(0, Namespaces).Select(n => $"scale-{n}")], ct);
        var fullRss = await IdleAsync(context, report, server.Pid, agent.Pid, total, window, ct, startup.Missing == 0 ? null : $"not idle: {startup.Missing:N0} pods were still being scheduled");
        IssueTargets.Check(report, nodes, total, agent.JoinMilliseconds, serverCpu.PerOperation(total - FirstBatch), mutationSummary.P99, idleRss, fullRss, serverPeakRss);

        await NodeListTiming.MeasureAsync(context, server, report, nodes, total, ct);
        await ListAllTiming.MeasureAsync(context, server, report, total, ct);
        report.Notes.Add("Real-runtime figures for comparison: `agent-rss` (server + its real node agent with 0 and 100 `sleep` pods). " +
            "Fake containers have no processes, no network and pass every probe; the agent's pod workers, status writes, Leases and node status are the real code.");
    }

    /// <summary>
    /// What the load measured before the budget ran out: the POSTs answered, the pods Running by then (partial series),
    /// both processes' CPU per pod created so far, the requests so far and the scheduler's mean attempt. The reads
    /// after the budget get a short deadline of their own.
    /// </summary>
    private static async Task ReportCutShortAsync(ScenarioReport report, ApiClient api, ClusterPodWatch watch, long[] posted, LatencySamples bulk,
        CpuMeter serverCpu, CpuMeter agentCpu, RequestCounts requests, long loadStart, int total, Task<LatencySamples> probe)
    {
        var created = bulk.Count;
        var seconds = Stopwatch.GetElapsedTime(loadStart).TotalSeconds;
        var partial = $"partial: the budget ran out after {seconds:F0} s, {created:N0} of {total - FirstBatch:N0} POSTs answered";
        report.Add(bulk, partial, serverCpu);
        report.Add(await probe, $"one ConfigMap POST every 100 ms on a connection of its own; {partial}");
        var running = watch.RunningCount - FirstBatch;
        report.Add("pods Running when the budget ran out", running, "pods", $"of {created:N0} created; {partial}");
        report.Add("pods Running per second under load, cut short", running / seconds, "pods/s", partial);
        if (created > 0)
        {
            report.Add("server CPU under load, cut short", serverCpu.ElapsedMilliseconds / 1000 / seconds, "cores", $"{serverCpu.PerOperation(created):F2} ms per pod created; {partial}");
            report.Add("agent CPU under load, cut short", agentCpu.ElapsedMilliseconds / 1000 / seconds, "cores", $"{agentCpu.PerOperation(created):F2} ms per pod created; {partial}");
        }
        // The pods POSTed so far (indices are taken in order), and the startup series of those Running, without waiting for the rest.
        var sent = posted.Skip(FirstBatch).TakeWhile(t => t != 0).Count();
        try
        {
            await StartupAsync(report, watch, posted, FirstBatch, sent, $"pod startup under load, the first {sent:N0} pods POSTed", Timeout.InfiniteTimeSpan, new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
            // StartupAsync reported the pods already Running as partial series.
        }
        using var reads = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await SchedulerCycleAsync(api, report, reads.Token);
            await requests.ReportAsync(api, report, Math.Max(created, 1), [.. Enumerable.Range(0, Namespaces).Select(n => $"scale-{n}")], reads.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            report.Notes.Add($"The server's metrics could not be read after the budget ran out ({e.Message}).");
        }
    }

    /// <summary>Polls the node list until <paramref name="nodes"/> fake nodes say Ready.</summary>
    internal static async Task WaitNodesReadyAsync(ApiClient api, int nodes, CancellationToken ct, TimeSpan? limit = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            using var list = JsonDocument.Parse(await api.GetAsync("/api/v1/nodes", timeout.Token));
            var ready = list.RootElement.GetProperty("items").EnumerateArray().Count(n =>
                n.GetProperty("metadata").GetProperty("name").GetString()?.StartsWith(FakeNodesAgent.Prefix, StringComparison.Ordinal) == true
                && n.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
                && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True"));
            if (ready >= nodes)
            {
                return;
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>The server's CPU in a 2 s window under which it counts as settled after the join.</summary>
    private const double SettledCores = 0.15;

    /// <summary>Waits, in 2 s windows, until the server uses under <see cref="SettledCores"/> or <paramref name="atMost"/> passed.</summary>
    private static async Task<(bool Settled, double Seconds, double LastCores)> SettleAsync(int server, TimeSpan atMost, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var cores = double.NaN;
        while (Stopwatch.GetElapsedTime(start) < atMost)
        {
            var cpu = CpuMeter.Start(server);
            var windowStart = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            cores = cpu.ElapsedMilliseconds / 1000 / Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
            if (cores < SettledCores)
            {
                return (true, Stopwatch.GetElapsedTime(start).TotalSeconds, cores);
            }
        }
        return (false, Stopwatch.GetElapsedTime(start).TotalSeconds, cores);
    }

    /// <summary>
    /// Settles a second, then reads both processes' CPU time over <paramref name="window"/> with nothing
    /// changing (cores = CPU time / wall time: leases, node status, resyncs, probe ticks) and their RSS.
    /// </summary>
    /// <returns>The server's RSS (MB) at the end of the window.</returns>
    private static async Task<double> IdleAsync(BenchContext context, ScenarioReport report, int server, int agent, int pods, TimeSpan window, CancellationToken ct,
        string? caveat = null)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        context.Log($"scale: idle window {window.TotalSeconds:F0} s with {pods:N0} pods, load {ProcStatus.LoadAverage()}");
        var serverCpu = CpuMeter.Start(server);
        var agentCpu = CpuMeter.Start(agent);
        var start = Stopwatch.GetTimestamp();
        await Task.Delay(window, ct);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var note = $"idle {window.TotalSeconds:F0} s window, /proc/PID/stat" + (caveat is null ? "" : "; " + caveat);
        report.Add($"server CPU idle, {pods:N0} pods", serverCpu.ElapsedMilliseconds / 1000 / seconds, "cores", note);
        report.Add($"agent CPU idle, {pods:N0} pods", agentCpu.ElapsedMilliseconds / 1000 / seconds, "cores", note);
        var rss = ProcStatus.RssMegabytes(server);
        report.Add($"server RSS, {pods:N0} pods", rss, "MB", "VmRSS at the end of the window");
        report.Add($"agent RSS, {pods:N0} pods", ProcStatus.RssMegabytes(agent), "MB", "VmRSS at the end of the window");
        return rss;
    }

    /// <summary>
    /// The scheduler's own time per attempt, from its histogram on /metrics: with POST → bound, it tells a slow
    /// scheduling cycle from pods waiting in the queue (or in the informer) before their cycle.
    /// </summary>
    private static async Task SchedulerCycleAsync(ApiClient api, ScenarioReport report, CancellationToken ct)
    {
        var text = Encoding.UTF8.GetString(await api.GetAsync("/metrics", ct));
        double Sum(string name) => text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length == name.Length || l[name.Length] is ' ' or '{'))
            .Sum(l => double.TryParse(l[(l.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0);
        var seconds = Sum("scheduler_scheduling_attempt_duration_seconds_sum");
        var attempts = Sum("scheduler_scheduling_attempt_duration_seconds_count");
        if (attempts > 0)
        {
            report.Add("scheduler: mean time per attempt", seconds * 1000 / attempts, "ms",
                $"scheduler_scheduling_attempt_duration_seconds over {attempts:N0} attempts: the algorithm and handing the binding off");
        }
    }

    private static string Namespace(int index) => "scale-" + (index % Namespaces).ToString(CultureInfo.InvariantCulture);

    private static string PodName(int index) => "p-" + index.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>
    /// A small pod (requests sized so 100 fit a fake node of this machine's size: the fake nodes report the
    /// host's CPUs and memory) with a readiness probe, which the fake runtime passes.
    /// </summary>
    private static byte[] Pod(string ns, string name) => Encoding.UTF8.GetBytes($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app":"scale","tier":"web"}},
        "spec":{"restartPolicy":"Always","terminationGracePeriodSeconds":1,"containers":[{"name":"web","image":"nginx:1.25",
        "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],"env":[{"name":"MODE","value":"scale"}],
        "resources":{"requests":{"cpu":"5m","memory":"8Mi"},"limits":{"cpu":"100m","memory":"64Mi"}},
        "readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":10}}]}}
        """.ReplaceLineEndings(""));

    private static async Task CreatePodsAsync(Kubeconfig config, bool http2, int first, int count, long[] posted, LatencySamples samples, CancellationToken ct)
    {
        var next = first - 1;
        var end = first + count;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var client = new ApiClient(config, http2);
            try
            {
                while (Interlocked.Increment(ref next) is var i && i < end)
                {
                    var ns = Namespace(i);
                    var body = Pod(ns, PodName(i));
                    var start = Stopwatch.GetTimestamp();
                    posted[i] = start;
                    await client.CreateAsync($"/api/v1/namespaces/{ns}/pods", body, failed.Token);
                    samples.Add(start, Stopwatch.GetTimestamp());
                }
            }
            catch (Exception e) when (!failed.IsCancellationRequested)
            {
                await failed.CancelAsync();
                throw new InvalidOperationException($"a client creating pods failed: {e.Message}", e);
            }
        }, failed.Token)).ToList();
        await Task.WhenAll(workers);
    }

    /// <summary>POST → Running per pod, split into POST → bound (scheduler) and bound → Running (agent, status write, watch).</summary>
    /// <remarks>
    /// After <paramref name="timeout"/> the series hold the pods that made it and Missing counts the rest (slower than every
    /// sample), so the scenario goes on to its later phases; cancellation (the budget) reports the partial series and throws.
    /// </remarks>
    private static async Task<(LatencySummary Startup, LatencySummary Bound, LatencySummary Started, int Missing)> StartupAsync(ScenarioReport report,
        ClusterPodWatch watch, long[] posted, int first, int count, string series, TimeSpan timeout, CancellationToken ct,
        string note = "POST sent → watch event showing it Running")
    {
        var samples = new LatencySamples(series);
        var bound = new LatencySamples($"{series}: POST → bound to a node");
        var started = new LatencySamples($"{series}: bound → Running");
        var waits = Enumerable.Range(first, count).Select(async i =>
        {
            var running = await watch.RunningAsync(Namespace(i), PodName(i));
            var scheduled = await watch.BoundAsync(Namespace(i), PodName(i));
            samples.AddMilliseconds(Stopwatch.GetElapsedTime(posted[i], running).TotalMilliseconds);
            bound.AddMilliseconds(Stopwatch.GetElapsedTime(posted[i], scheduled).TotalMilliseconds);
            started.AddMilliseconds(Stopwatch.GetElapsedTime(scheduled, running).TotalMilliseconds);
        });
        try
        {
            await Task.WhenAll(waits).WaitAsync(timeout, ct);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Keep what the pods that made it measured: the report shows how far the run got.
            var partial = $"partial: the {samples.Count:N0} of {count:N0} pods Running when the wait ended";
            var summaries = (report.Add(samples, partial), report.Add(bound, partial), report.Add(started, partial));
            if (e is OperationCanceledException)
            {
                throw;
            }
            var missing = count - summaries.Item1.Count;
            report.Add($"{series}: pods not Running {timeout.TotalSeconds:F0} s after the last POST", missing, "pods");
            return (summaries.Item1, summaries.Item2, summaries.Item3, missing);
        }
        return (report.Add(samples, note), report.Add(bound, "the first watch event with spec.nodeName set"), report.Add(started), 0);
    }

    /// <summary>A progress line every 10 s while the load runs: created, bound and Running so far; and once, the agent's exit.</summary>
    private static async Task ProgressAsync(BenchContext context, ClusterPodWatch watch, LatencySamples created, int before, FakeNodesAgent agent, CancellationToken ct)
    {
        try
        {
            var exitSeen = false;
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), ct);
                context.Log($"scale: {created.Count:N0} created, {watch.BoundCount - before:N0} bound, {watch.RunningCount - before:N0} Running; load {ProcStatus.LoadAverage()}");
                if (!exitSeen && agent.ExitCode is { } code)
                {
                    exitSeen = true;
                    context.Log($"scale: the fake nodes' agent exited with {code}; no more pods will run. Its last lines:\n{agent.Log[^Math.Min(agent.Log.Length, 1500)..]}");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The load is over.
        }
    }

    /// <summary>
    /// Where the other client's slow POSTs spent their time: how many the server itself took over 100 ms (its histogram,
    /// from its request pipeline on) against how many the client saw over 100 ms (to the last byte of the 201).
    /// </summary>
    private static async Task ReportProbeInServerAsync(ApiClient api, ScenarioReport report, ServerRequestDurations inServer, LatencySamples client, CancellationToken ct)
    {
        var buckets = await inServer.SinceStartAsync(api, ct);
        var p99Bound = ServerRequestDurations.QuantileBound(buckets, 0.99);
        var split = string.Join(", ", new[] { 25, 50, 100 }.Select(ms => $"over {ms} ms: {ServerRequestDurations.Over(buckets, ms / 1000.0):F0} in the server, {client.CountOver(ms)} at the client"));
        report.Add("another client's ConfigMap POSTs over 100 ms in the server itself", ServerRequestDurations.Over(buckets, 0.1), "requests",
            $"apiserver_request_duration_seconds, the server's request pipeline from authentication to the response, of " +
            $"{buckets.Values.DefaultIfEmpty(0).Max():F0} POSTs (the client sent {client.Count}); its p99 is within the bucket ≤ {p99Bound * 1000:F0} ms; {split}");
    }

    /// <summary>Another client's writes while the load runs: one ConfigMap POST every 100 ms until cancelled.</summary>
    private static async Task<LatencySamples> ProbeMutationsAsync(Kubeconfig config, bool http2, CancellationToken ct)
    {
        var samples = new LatencySamples("ConfigMap create by another client during the load");
        using var client = new ApiClient(config, http2);
        var path = $"/api/v1/namespaces/{ProbeNamespace}/configmaps";
        try
        {
            for (var n = 0; !ct.IsCancellationRequested; n++)
            {
                var body = Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"probe-{{{n}}}"},"data":{"n":"{{{n}}}"}}""");
                var start = Stopwatch.GetTimestamp();
                await client.CreateAsync(path, body, ct);
                samples.Add(start, Stopwatch.GetTimestamp());
                await Task.Delay(100, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The load is over.
        }
        return samples;
    }
}
