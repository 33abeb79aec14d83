using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;

namespace Axolotl.Bench.Scenarios.Flood;

/// <summary>
/// Issue 34's "a flood of 10,000 requests/s from one client leaves another client's mutating p99 ≤ 1 s", with two
/// identities as a cluster has them: two ServiceAccounts with TokenRequest tokens and RoleBindings granting what
/// each does, so both land on the default FlowSchema service-accounts (level workload-low) as two flows (ByUser).
/// The flooder offers GETs (and one LIST in ten) of ConfigMaps open-loop at 10,000/s over 40 connections; the
/// writer sends a ConfigMap POST or merge PATCH every 75 ms on its own connection, first alone (the baseline),
/// then during the flood. Offered, sent and answered rates and the share answered 429 are reported as measured:
/// on a small machine the client itself may not reach the rate. All of it runs twice, on a server with the default
/// 600 seats and on one with 60, so the seats' share in the writer's latency shows within one run.
/// </summary>
internal sealed class ApiFloodScenario : IScenario
{
    private const string Ns = "bench-flood";
    private const string Flooder = "flooder";
    private const string Writer = "writer";
    private const string Patched = "writer-patched";
    private const int Seeded = 50;
    // 40 connections of 100 streams each: up to 4,000 of the flood's requests at the server at once.
    private const int Connections = 40;
    private const double Rate = 10_000;
    private static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(75);
    private static readonly TimeSpan RampUp = TimeSpan.FromSeconds(3);

    public string Name => "api-flood";

    public string Description =>
        "another ServiceAccount's ConfigMap POST/PATCH latency while one ServiceAccount offers 10,000 GET/LIST per second (API priority and fairness)";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 150 : 240);

    /// <summary>
    /// The servers compared in one run: kube-apiserver's defaults (400 + 200 seats, of which workload-low has 245 and may
    /// borrow up to the rest), then a tenth of them, since seats are concurrency and this machine has two cores.
    /// </summary>
    private static readonly (string Label, string[] Arguments)[] Servers =
    [
        ("600 seats", []),
        ("60 seats", ["--max-requests-inflight=40", "--max-mutating-requests-inflight=20"]),
    ];

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var baseline = TimeSpan.FromSeconds(context.Quick ? 5 : 10);
        var writing = TimeSpan.FromSeconds(context.Quick ? 8 : 15);
        foreach (var (seats, arguments) in Servers)
        {
            await RunOnServerAsync(context, report, seats, arguments, baseline, writing, ct);
        }
    }

    /// <summary>A fresh server with <paramref name="arguments"/>: the identities, the writer's baseline, then each flood.</summary>
    private async Task RunOnServerAsync(BenchContext context, ScenarioReport report, string seats, string[] arguments, TimeSpan baseline, TimeSpan writing,
        CancellationToken ct)
    {
        await using var server = await context.StartServerAsync(arguments, ct);
        using var admin = context.Connect(server);
        context.Log($"{Name}: {seats}: two ServiceAccounts, their Roles and {Seeded} ConfigMaps");
        await SetUpAsync(admin, ct);
        var flooderToken = await TokenAsync(admin, Flooder, ct);
        var writerToken = await TokenAsync(admin, Writer, ct);
        var flood = Enumerable.Range(0, Connections).Select(_ => new ApiClient(server.Kubeconfig, context.Http2, token: flooderToken)).ToList();
        using var writerConnection = new ApiClient(server.Kubeconfig, context.Http2, token: writerToken);
        try
        {
            await WaitForAccessAsync(flood[0], SeedPath(0), ct);
            await WaitForAccessAsync(writerConnection, $"/api/v1/namespaces/{Ns}/configmaps/{Patched}", ct);
            await ReportClassificationAsync(report, seats, admin, flood[0], writerConnection, ct);

            var writer = new PacedWriter(writerConnection, Ns, Patched, WriteInterval);
            await WarmUpAsync(flood, writer, ct);

            context.Log($"{Name}: {seats}: baseline, the writer alone for {baseline.TotalSeconds:F0} s; load {ProcStatus.LoadAverage()}");
            var alone = await writer.RunAsync($"no flood, {seats}", baseline, ct);
            var aloneSummary = AddWriter(report, alone, "writer alone, one request every 75 ms");

            foreach (var (kind, pathOf) in Floods)
            {
                await FloodAsync(context, report, server, admin, flood, writer, $"{kind}, {seats}", pathOf, writing, aloneSummary, ct);
            }
            await ReportFlowControlMetricsAsync(report, seats, admin, ct);
        }
        finally
        {
            flood.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// The two floods, one after the other: mostly GETs (cheap for the server, about as cheap as for the client), then
    /// only LISTs of the namespace's ConfigMaps (a controller relisting in a loop), each far dearer for the server
    /// than for the client, so that the server, not the client, is what runs out.
    /// </summary>
    private static readonly (string Label, Func<long, string> PathOf)[] Floods =
    [
        ("GET flood", GetsPathOf),
        ("LIST flood", _ => ListPath),
    ];

    private static string ListPath => $"/api/v1/namespaces/{Ns}/configmaps";

    private static string SeedPath(long n) => $"/api/v1/namespaces/{Ns}/configmaps/seed-{n % Seeded}";

    // One LIST of the namespace's ConfigMaps in ten, the rest GETs of one.
    private static string GetsPathOf(long n) => n % 10 == 9 ? ListPath : SeedPath(n);

    /// <summary>One flood at <see cref="Rate"/>, the writer running through it after a ramp-up, and the level's gauges sampled meanwhile.</summary>
    private async Task FloodAsync(BenchContext context, ScenarioReport report, ServerProcess server, ApiClient admin, IReadOnlyList<ApiClient> flood,
        PacedWriter writer, string label, Func<long, string> pathOf, TimeSpan writing, LatencySummary alone, CancellationToken ct)
    {
        context.Log($"{Name}: {label} of {Rate:N0}/s over {Connections} connections, the writer from {RampUp.TotalSeconds:F0} s in for {writing.TotalSeconds:F0} s; load {ProcStatus.LoadAverage()}");
        var flooder = new OpenLoopFlooder(flood, pathOf, Rate, label);
        var serverCpu = CpuMeter.Start(server.Pid);
        var clientCpu = CpuMeter.Start(Environment.ProcessId);
        using var stop = new CancellationTokenSource();
        var sampler = new FlowControlSampler(admin, "workload-low");
        var flooding = flooder.RunAsync(stop.Token, ct);
        var sampling = sampler.RunAsync(stop.Token);
        await Task.Delay(RampUp, ct);
        var during = await writer.RunAsync($"during the {label}", writing, ct);
        var loadAtEnd = ProcStatus.LoadAverage();
        await stop.CancelAsync();
        await flooding;
        await sampling;
        var summary = AddWriter(report, during, $"writer during the {label}, one request every 75 ms, its own connection");
        report.Target($"mutating p99 of another client during a 10,000/s {label}", summary.P99, 1000, "ms");
        report.Add($"[{label}] mutating p99 added by the flood", summary.P99 - alone.P99, "ms", "p99 during the flood minus p99 alone, same run");
        ReportFlood(report, label, flooder, serverCpu, clientCpu, loadAtEnd);
        ReportLevel(report, label, sampler);
        context.Log($"{Name}: {label}: writer p99 {summary.P99:F1} ms; flood answered {flooder.Ok:N0} 200, {flooder.TooMany:N0} 429");
    }

    private static LatencySummary AddWriter(ScenarioReport report, PacedWriter.Result result, string note)
    {
        var summary = report.Add(result.Mutating, note);
        report.Add(result.Posts);
        report.Add(result.Patches);
        report.Add($"{result.Mutating.Name}: errors", result.Errors, "requests", result.FirstError);
        report.Add($"{result.Mutating.Name}: answered 429", result.TooMany, "requests");
        return summary;
    }

    private static void ReportFlood(ScenarioReport report, string label, OpenLoopFlooder flooder, CpuMeter serverCpu, CpuMeter clientCpu, string loadAtEnd)
    {
        var seconds = Math.Max(flooder.Seconds, 0.001);
        var answered = flooder.Ok + flooder.TooMany + flooder.OtherStatus;
        var pacing = Math.Max(flooder.PacingSeconds, 0.001);
        report.Add($"[{label}] flood offered (due at the target rate)", flooder.Due / pacing, "requests/s", $"{flooder.Due:N0} over {pacing:F1} s");
        report.Add($"[{label}] flood sent", flooder.Sent / pacing, "requests/s",
            $"{flooder.NotSent:N0} due but not sent: the client had {flooder.MaxOutstanding:N0} unanswered");
        report.Add($"[{label}] flood answered", answered / seconds, "requests/s",
            $"over {seconds:F1} s to the last answer; {flooder.Failed:N0} failed without an answer, {flooder.OtherStatus:N0} another status");
        report.Add($"[{label}] flood answered 200", flooder.Ok / seconds, "requests/s");
        report.Add($"[{label}] flood answered 429", 100.0 * flooder.TooMany / Math.Max(1, answered), "% of answered",
            $"{flooder.TooMany:N0} 429s, {flooder.TooManyWithRetryAfter:N0} of them with Retry-After");
        if (flooder.Served.Count > 0)
        {
            report.Add(flooder.Served, $"open loop, {Connections} connections");
        }
        if (flooder.Rejected.Count > 0)
        {
            report.Add(flooder.Rejected, $"open loop, {Connections} connections");
        }
        report.Add($"[{label}] server CPU during the flood", serverCpu.ElapsedMilliseconds / 1000 / seconds, "cores");
        report.Add($"[{label}] bench client CPU during the flood", clientCpu.ElapsedMilliseconds / 1000 / seconds, "cores", "flooder and writer in one process");
        report.Notes.Add($"load average at the end of the {label}: {loadAtEnd}");
    }

    private static void ReportLevel(ScenarioReport report, string label, FlowControlSampler sampler)
    {
        if (sampler.Samples.Count == 0)
        {
            return;
        }
        var samples = sampler.Samples;
        report.Add($"[{label}] workload-low executing during the flood, mean / max", samples.Average(s => s.Executing), "requests", $"max {samples.Max(s => s.Executing):F0}; sampled from /metrics every second");
        if (samples.Any(s => s.SeatsExecuting > 0))
        {
            report.Add($"[{label}] workload-low seats held by executing requests, mean / max", samples.Average(s => s.SeatsExecuting), "seats",
                $"max {samples.Max(s => s.SeatsExecuting):F0}; apiserver_flowcontrol_current_executing_seats (a server without work estimation has none)");
        }
        report.Add($"[{label}] workload-low waiting in queues during the flood, mean / max", samples.Average(s => s.Waiting), "requests", $"max {samples.Max(s => s.Waiting):F0}");
        report.Add($"[{label}] workload-low current seat limit during the flood, mean", samples.Average(s => s.Seats), "seats", $"min {samples.Min(s => s.Seats):F0}, max {samples.Max(s => s.Seats):F0}");
        report.Add($"[{label}] read-only requests in the server's handler, mean / max", samples.Average(s => s.ReadOnlyInFlight), "requests",
            $"max {samples.Max(s => s.ReadOnlyInFlight):F0}; from authentication on, any level (apiserver_current_inflight_requests)");
    }

    private static async Task SetUpAsync(ApiClient admin, CancellationToken ct)
    {
        await PodLoader.EnsureNamespaceAsync(admin, Ns, ct);
        foreach (var account in new[] { Flooder, Writer })
        {
            await admin.CreateAsync($"/api/v1/namespaces/{Ns}/serviceaccounts", Json($$$"""{"metadata":{"name":"{{{account}}}"}}"""), ct);
        }
        await admin.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{Ns}/roles", Json("""
            {"metadata":{"name":"configmap-reader"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["configmaps"]}]}
            """), ct);
        await admin.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{Ns}/roles", Json("""
            {"metadata":{"name":"configmap-writer"},"rules":[{"verbs":["get","create","patch"],"apiGroups":[""],"resources":["configmaps"]}]}
            """), ct);
        await admin.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{Ns}/rolebindings", Binding(Flooder, "configmap-reader"), ct);
        await admin.CreateAsync($"/apis/rbac.authorization.k8s.io/v1/namespaces/{Ns}/rolebindings", Binding(Writer, "configmap-writer"), ct);
        for (var i = 0; i < Seeded; i++)
        {
            await admin.CreateAsync($"/api/v1/namespaces/{Ns}/configmaps", Json($$$"""
                {"metadata":{"name":"seed-{{{i}}}","labels":{"app":"flood"}},"data":{"key":"value {{{i}}}","other":"{{{new string('x', 200)}}}"}}
                """), ct);
        }
        await admin.CreateAsync($"/api/v1/namespaces/{Ns}/configmaps", Json($$$"""{"metadata":{"name":"{{{Patched}}}"},"data":{"n":"0"}}"""), ct);
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Binding(string account, string role) => Json($$"""
        {"metadata":{"name":"{{account}}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"{{role}}"},
         "subjects":[{"kind":"ServiceAccount","name":"{{account}}","namespace":"{{Ns}}"}]}
        """);

    /// <summary>A bound token from the TokenRequest API, as `kubectl create token` gets one.</summary>
    private static async Task<string> TokenAsync(ApiClient admin, string account, CancellationToken ct)
    {
        var body = await admin.CreateAsync($"/api/v1/namespaces/{Ns}/serviceaccounts/{account}/token",
            Json("""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}"""), ct);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("status").GetProperty("token").GetString()
            ?? throw new InvalidDataException($"TokenRequest for {account} has no token");
    }

    /// <summary>The RoleBindings reach the authorizer through a watch; the first allowed get ends the wait.</summary>
    private static async Task WaitForAccessAsync(ApiClient client, string path, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (true)
        {
            try
            {
                await client.GetAsync(path, ct);
                return;
            }
            catch (HttpRequestException) when (Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    /// <summary>
    /// Which FlowSchema and priority level each client's requests land on, from the X-Kubernetes-PF-* headers of an
    /// answer, named by the objects' UIDs. The flooder must be limited: a flood on the exempt level would measure nothing.
    /// </summary>
    private static async Task ReportClassificationAsync(ScenarioReport report, string seats, ApiClient admin, ApiClient flooder, ApiClient writer, CancellationToken ct)
    {
        var schemas = await NamesByUidAsync(admin, "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas", ct);
        var levels = await NamesByUidAsync(admin, "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations", ct);
        var flooderLevel = "";
        foreach (var (who, client, path) in new[] { (Flooder, flooder, SeedPath(0)), (Writer, writer, $"/api/v1/namespaces/{Ns}/configmaps/{Patched}") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            using var response = await client.ExchangeAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{who}: GET {path} answered {(int)response.StatusCode}");
            }
            var schema = schemas.GetValueOrDefault(Header(response, "X-Kubernetes-PF-FlowSchema-UID"), "(no header)");
            var level = levels.GetValueOrDefault(Header(response, "X-Kubernetes-PF-PriorityLevel-UID"), "(no header)");
            flooderLevel = who == Flooder ? level : flooderLevel;
            report.Notes.Add($"{seats}: system:serviceaccount:{Ns}:{who} → FlowSchema {schema}, priority level {level} (X-Kubernetes-PF-* headers); flow distinguished by user");
        }
        if (flooderLevel is "exempt" or "(no header)")
        {
            throw new InvalidOperationException($"the flooder lands on {flooderLevel}: flow control would not limit it");
        }
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() ?? "" : "";

    private static async Task<Dictionary<string, string>> NamesByUidAsync(ApiClient admin, string path, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await admin.GetAsync(path, ct));
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("metadata"))
            .ToDictionary(m => m.GetProperty("uid").GetString() ?? "", m => m.GetProperty("name").GetString() ?? "", StringComparer.Ordinal);
    }

    /// <summary>A few writes and reads, closed loop, so that neither series starts on a cold server (not counted).</summary>
    private static async Task WarmUpAsync(IReadOnlyList<ApiClient> flood, PacedWriter writer, CancellationToken ct)
    {
        await Task.WhenAll(flood.Select(async (client, i) =>
        {
            for (var n = 0; n < 100; n++)
            {
                await client.GetAsync(GetsPathOf(i * 100 + n), ct);
            }
        }));
        await writer.RunAsync("warm-up", TimeSpan.FromSeconds(2), ct);
    }

    /// <summary>The server's own account of the flood: the workload-low level's seats and every rejection (admin is exempt, so this is answered).</summary>
    private static async Task ReportFlowControlMetricsAsync(ScenarioReport report, string seats, ApiClient admin, CancellationToken ct)
    {
        var text = Encoding.UTF8.GetString(await admin.GetAsync("/metrics", ct, "text/plain"));
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("apiserver_flowcontrol_rejected_requests_total{", StringComparison.Ordinal)
                || (line.StartsWith("apiserver_flowcontrol_", StringComparison.Ordinal) && line.Contains("_limit_seats{priority_level=\"workload-low\"}", StringComparison.Ordinal)))
            {
                report.Notes.Add($"{seats}, after the floods: `{line}`");
            }
        }
    }
}
