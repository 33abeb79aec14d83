using System.Globalization;
using Xunit.Abstractions;

namespace Axolotl.E2E.Tests.NetworkPolicies.Matrix;

/// <summary>
/// A policy written while traffic flows: a client pod on the agent's host opens a new connection to a server pod on
/// the server's host every 20 ms and logs each outcome. An attempt that got no answer in 1 s is tried again with 3 s
/// before it counts as blocked ("slow" when that one connects: connected), so a loaded machine is not read as a policy. A deny policy is written; once a connection is blocked, no
/// later one gets through (no flapping), and the time from the write to the first blocked connection is reported.
/// Then the policy is deleted: once one connects, none is blocked again.
/// </summary>
public abstract partial class NetworkPolicyAcrossHostsTests
{
    private const string TrafficNs = "traffic";

    /// <summary>One attempt as the client logged it: when its line was written, and whether it connected (on its first or second try).</summary>
    private sealed record Attempt(DateTimeOffset At, int Number, bool Connected);

    /// <summary>Run over host-gw only: the path a packet takes between hosts does not change when the table changes.</summary>
    protected async Task PolicyUnderContinuousTrafficAsync()
    {
        await lab.ApplyAsync($$$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{{TrafficNs}}}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: server, namespace: {{{TrafficNs}}}, labels: {role: server}}
            spec:
              nodeName: {{{Hosts.HostLab.NodeName(NetpolLab.ServerHost)}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: serve
                image: busybox
                command: ["sh", "-c", "mkdir -p /srv && echo traffic-server > /srv/index.html && exec httpd -f -p 80 -h /srv"]
            """);
        await Harness.Eventually.UntilAsync(() => lab.Lab.KubectlAsync("get", "pod", "server", "-n", TrafficNs, "-o", "jsonpath={.status.podIP}"),
            r => r.ExitCode == 0 && r.Stdout.Trim().Length > 0, "the server pod's address", TimeSpan.FromSeconds(60));
        var serverIp = (await lab.Lab.KubectlOkAsync("get", "pod", "server", "-n", TrafficNs, "-o", "jsonpath={.status.podIP}")).Trim();
        await lab.ApplyAsync($$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: {{{TrafficNs}}}}
            spec:
              nodeName: {{{Hosts.HostLab.NodeName(NetpolLab.AgentHost)}}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: loop
                image: busybox
                command: ["sh", "-c", "get(){ printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w $1 {{{serverIp}}} 80 2>/dev/null | grep -q traffic-server; }; i=0; while true; do i=$((i+1)); if get 1; then echo \"$i ok\"; elif get 3; then echo \"$i slow\"; else echo \"$i no\"; fi; usleep 20000; done"]
            """);
        try
        {
            await UntilAsync(a => a.Count(x => x.Connected) >= 10, "the client connecting");

            var denied = await ChangeAsync(
                () => WriteAsync(["apply", "-f", "-"], $$$"""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: deny-server, namespace: {{{TrafficNs}}}}
                    spec:
                      podSelector: {matchLabels: {role: server}}
                      policyTypes: [Ingress]
                    """),
                connectedAfter: false, "deny", since: 0);
            await ChangeAsync(() => WriteAsync(["delete", "networkpolicy", "deny-server", "-n", TrafficNs]), connectedAfter: true, "allow again", since: denied);
        }
        finally
        {
            await lab.Lab.KubectlAsync("delete", "namespace", TrafficNs, "--wait=false");
        }
    }

    /// <summary>
    /// Writes a change and watches the attempts: before the write every one since attempt <paramref name="since"/> had the
    /// old outcome; after the first attempt with the new outcome, every later one has it too (checked over 3 s and 2 attempts more).
    /// Prints the timing and returns the number of that first attempt.
    /// </summary>
    private async Task<int> ChangeAsync(Func<Task<DateTimeOffset>> write, bool connectedAfter, string what, int since)
    {
        var before = DateTimeOffset.UtcNow;
        var written = await write();
        var first = await UntilAsync(a => a.Any(x => x.At > before && x.Connected == connectedAfter), $"the first attempt after the write ({what})");
        var turned = first.First(x => x.At > before && x.Connected == connectedAfter);
        await UntilAsync(a => a.Count(x => x.Number > turned.Number) >= 2 && a.Any(x => x.At > turned.At.AddSeconds(3)), $"3 s and 2 attempts after the change ({what})");
        var attempts = await AttemptsAsync();

        var old = attempts.Where(x => x.Number > since && x.At <= before).ToList();
        Assert.True(old.Count > 0 && old.All(x => x.Connected != connectedAfter), $"{what}: the outcome before the write was not steady: {Show(old.TakeLast(10))}");
        var later = attempts.Where(x => x.Number > turned.Number).ToList();
        Assert.True(later.Count >= 2, $"{what}: too few attempts after the change to judge: {Show(later)}");
        var flapped = later.Where(x => x.Connected != connectedAfter).ToList();
        Assert.True(flapped.Count == 0,
            $"{what}: after attempt {turned.Number} ({(connectedAfter ? "connected" : "blocked")}) attempts went back: {Show(flapped)}");

        // The first attempt with the new outcome began when the one before it ended.
        var started = attempts.LastOrDefault(x => x.Number < turned.Number)?.At ?? turned.At;
        var previous = attempts.LastOrDefault(x => x.Number < turned.Number);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: the write's response at {written:HH:mm:ss.fff}; the first {(connectedAfter ? "connected" : "blocked")} attempt (#{turned.Number}) " +
            $"began {(started - written).TotalMilliseconds:F0} ms after it and ended {(turned.At - written).TotalMilliseconds:F0} ms after it " +
            $"(the one before, #{previous?.Number}, {(previous?.Connected == true ? "connected" : "blocked")}); " +
            $"{later.Count} later attempts all {(connectedAfter ? "connected" : "blocked")}"));
        return turned.Number;
    }

    /// <summary>
    /// Runs kubectl with -v=6 and returns when its write to networkpolicies was answered, from kubectl's own request log
    /// (klog's header time, within milliseconds of the API server's commit): the instant the policy changed.
    /// </summary>
    private async Task<DateTimeOffset> WriteAsync(string[] args, string? stdin = null)
    {
        var result = await Harness.ProcessRunner.RunAsync(Harness.Kubectl.Binary, [.. args, "-v=6"],
            new Dictionary<string, string> { ["KUBECONFIG"] = lab.Lab.Kubeconfig, ["TZ"] = "UTC" }, stdin, TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)}: {result}");
        var answered = System.Text.RegularExpressions.Regex.Matches(result.Stderr,
            @"^I(\d\d)(\d\d) (\d\d:\d\d:\d\d\.\d{6})\s+\d+ round_trippers\.go:\d+\] (?:POST|PATCH|PUT|DELETE) \S+/networkpolicies\S* 20[01]",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(answered.Count == 1, $"kubectl's log of the write: {result.Stderr}");
        var match = answered[0];
        var today = DateTimeOffset.UtcNow;
        return DateTimeOffset.ParseExact($"{today.Year}-{match.Groups[1].Value}-{match.Groups[2].Value}T{match.Groups[3].Value}Z",
            "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
    }

    private async Task<List<Attempt>> UntilAsync(Func<List<Attempt>, bool> done, string what) =>
        await Harness.Eventually.UntilAsync(AttemptsAsync, done, what, TimeSpan.FromSeconds(60));

    private async Task<List<Attempt>> AttemptsAsync()
    {
        var result = await lab.Lab.KubectlAsync("logs", "client", "-n", TrafficNs, "--timestamps");
        var attempts = new List<Attempt>();
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(' ');
            // "<RFC3339Nano> N ok|no"; .NET parses at most 7 fractional digits.
            if (words.Length == 3 && words[0].Length >= 28 && int.TryParse(words[1], CultureInfo.InvariantCulture, out var number) && words[2] is "ok" or "slow" or "no")
            {
                var at = DateTimeOffset.Parse(words[0][..27] + "Z", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
                attempts.Add(new Attempt(at, number, words[2] != "no"));
            }
        }
        return attempts;
    }

    private static string Show(IEnumerable<Attempt> attempts) =>
        string.Join(", ", attempts.Select(a => $"#{a.Number} {(a.Connected ? "ok" : "no")} at {a.At:HH:mm:ss.fff}"));
}
