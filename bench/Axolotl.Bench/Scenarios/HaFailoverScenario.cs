using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Reporting;
using Axolotl.Testing.Etcd;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// Two API servers on a 3-member etcd (loopback): the server holding the kube-controller-manager
/// Lease is SIGKILLed, and from that instant we time (a) the first create acknowledged by the other
/// server, (b) the Lease naming the survivor and (c) the survivor's controllers acting again: a
/// ReplicaSet created just after the kill gets its pod. The survivor need not wait out the killed
/// leader's 15 s lease: it takes over once the leader's port refuses connections and a renewal is a
/// second late (ServerLiveness), so (b) is at most the 2 s renew period and that second after the
/// kill, plus one 250 ms probe.
/// </summary>
internal sealed class HaFailoverScenario : IScenario
{
    private const string Ns = "default";

    public string Name => "ha-failover";

    public string Description => "two servers on a 3-member etcd: time from SIGKILL of the leading server to the first write, the Lease moving, and controllers acting";

    /// <summary>Shorter leader-election timings than kube-controller-manager's defaults (15s/10s/2s): the trade-off measured.</summary>
    private static readonly string[] ShortTimings = ["--leader-elect-lease-duration", "3s", "--leader-elect-renew-deadline", "2s", "--leader-elect-retry-period", "500ms"];

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 220 : 600);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        await RunCaseAsync(context, report, "", [], ct);
        await RunCaseAsync(context, report, "short timings (3s/2s/500ms): ", ShortTimings, ct);
        report.Notes.Add("the client retries its create on the other server as soon as the first one refuses the connection; "
            + "with kube-controller-manager's timings (lease 15 s, renew deadline 10 s, retry 2 s) the survivor does not wait out the killed leader's lease: "
            + "it probes the leader's port every 250 ms and takes the Lease once the port refuses connections and a renewal is 1 s late; "
            + "the short case runs both servers with --leader-elect-lease-duration 3s --leader-elect-renew-deadline 2s --leader-elect-retry-period 500ms");
    }

    private async Task RunCaseAsync(BenchContext context, ScenarioReport report, string label, string[] serverArgs, CancellationToken ct)
    {
        var runs = context.Quick ? 1 : 3;
        var write = new List<double>();
        var lease = new List<double>();
        var controllers = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            context.Log($"{Name}: run {run + 1}/{runs}");
            var (w, l, c) = await RunOnceAsync(context, run + (serverArgs.Length > 0 ? 100 : 0), serverArgs, ct);
            write.Add(w);
            lease.Add(l);
            controllers.Add(c);
            report.Add($"{label}run {run + 1}: kill → first acknowledged write on the survivor", w, "ms");
            report.Add($"{label}run {run + 1}: kill → Lease names the survivor", l, "ms");
            report.Add($"{label}run {run + 1}: kill → survivor's ReplicaSet controller made the pod", c, "ms");
        }
        if (runs > 1)
        {
            report.Add($"{label}median kill → first write", Median(write), "ms");
            report.Add($"{label}median kill → controllers acting", Median(controllers), "ms");
        }
    }

    private static async Task<(double Write, double Lease, double Controllers)> RunOnceAsync(BenchContext context, int run, string[] serverArgs, CancellationToken ct)
    {
        var etcd = await EtcdMember.StartClusterAsync(3, ct);
        try
        {
            var endpoints = string.Join(",", etcd.Select(m => m.ClientUrl.ToString().TrimEnd('/')));
            await using var first = await context.StartServerAsync(["--datastore-endpoint", endpoints, .. serverArgs], ct);
            await using var second = await context.StartServerAsync(["--datastore-endpoint", endpoints, "--secrets-from", first.DataDir, .. serverArgs], ct);
            using var api1 = context.Connect(first);
            using var api2 = context.Connect(second);
            var holder = await HolderAsync(api2, null, ct);
            var (leader, survivor, toSurvivor) = first.RecentLog.Contains($"leading kube-controller-manager as {holder}", StringComparison.Ordinal)
                ? (first, second, api2)
                : (second, first, api1);

            using (var process = Process.GetProcessById(leader.Pid))
            {
                process.Kill();
            }
            var killed = Stopwatch.GetTimestamp();
            await CreateAsync(toSurvivor, "/api/v1/namespaces/default/configmaps", $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"after-kill-{{{run}}}"}}""", ct);
            var writeMs = Stopwatch.GetElapsedTime(killed).TotalMilliseconds;
            await CreateAsync(toSurvivor, "/apis/apps/v1/namespaces/default/replicasets", ReplicaSet($"after-kill-{run}"), ct);

            double? leaseMs = null;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (leaseMs is null && await HolderAsync(toSurvivor, holder, ct, wait: false) is { } now && now != holder)
                {
                    leaseMs = Stopwatch.GetElapsedTime(killed).TotalMilliseconds;
                }
                var pods = JsonDocument.Parse(await toSurvivor.GetAsync($"/api/v1/namespaces/{Ns}/pods?labelSelector=app%3Dafter-kill-{run}", ct));
                if (pods.RootElement.GetProperty("items").GetArrayLength() > 0)
                {
                    var controllersMs = Stopwatch.GetElapsedTime(killed).TotalMilliseconds;
                    return (writeMs, leaseMs ?? controllersMs, controllersMs);
                }
                await Task.Delay(50, ct);
            }
        }
        finally
        {
            foreach (var member in etcd)
            {
                await member.DisposeAsync();
            }
        }
    }

    private static async Task CreateAsync(ApiClient api, string path, string json, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await api.CreateAsync(path, Encoding.UTF8.GetBytes(json), ct);
                return;
            }
            catch (HttpRequestException) when (!ct.IsCancellationRequested)
            {
                await Task.Delay(20, ct);
            }
        }
    }

    /// <summary>The kube-controller-manager Lease's holder once it is not <paramref name="not"/>; null without waiting when asked not to.</summary>
    private static async Task<string?> HolderAsync(ApiClient api, string? not, CancellationToken ct, bool wait = true)
    {
        while (true)
        {
            try
            {
                var lease = JsonDocument.Parse(await api.GetAsync("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager", ct));
                var holder = lease.RootElement.GetProperty("spec").TryGetProperty("holderIdentity", out var h) ? h.GetString() : null;
                if (!string.IsNullOrEmpty(holder) && holder != not)
                {
                    return holder;
                }
            }
            catch (HttpRequestException) when (wait)
            {
                // Not made yet.
            }
            if (!wait)
            {
                return null;
            }
            await Task.Delay(50, ct);
        }
    }

    private static string ReplicaSet(string name) => """
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"NAME"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"NAME"}},
                 "template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
