using System.Globalization;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>
/// `kubectl logs` over the CRI log the native launcher writes: --timestamps, --since, --since-time,
/// --previous, a log flood kept to about twice the rotation size, and logs that keep flowing while
/// the server (and so the agent) is down.
/// </summary>
public sealed class LogsTimestampsTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    // What AgentOptions.LogMaxBytes and ProcessRuntimeOptions.LogMaxBytes default to.
    private const long LogMaxBytes = 10 * 1024 * 1024;

    private async Task RunAsync(string ns, string name, string command, string restartPolicy = "Always")
    {
        var manifest = $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  restartPolicy: {restartPolicy}\n" +
                       $"  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, '{command}']\n";
        await fx.Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");
    }

    private Task<string> JsonPath(string ns, string pod, string path) =>
        fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");

    private Task<ProcessResult> LogsUntilAsync(string ns, string pod, Func<string, bool> done, string what, params string[] extra) =>
        Eventually.UntilAsync(() => fx.Kubectl.RunAsync(["logs", pod, "-n", ns, .. extra]), r => r.ExitCode == 0 && done(r.Stdout), what, Slow);

    /// <summary>"&lt;RFC3339Nano&gt; &lt;text&gt;" lines as kubectl logs --timestamps prints them.</summary>
    private static List<(DateTimeOffset At, string Text)> Stamped(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            Assert.True(space > 0, $"no timestamp in \"{line}\"");
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$", line[..space]);
            // .NET parses at most 7 fractional digits.
            var at = DateTimeOffset.Parse(line[..27] + "Z", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            return (at, line[(space + 1)..]);
        }).ToList();

    [Fact]
    public async Task Timestamps_prefix_every_line_with_the_time_it_was_written()
    {
        var ns = await fx.NewNamespaceAsync("ts");
        var before = DateTimeOffset.UtcNow;
        await RunAsync(ns, "stamper", "echo one; echo two >&2; sleep 3600");

        var result = await LogsUntilAsync(ns, "stamper", s => s.Contains("two", StringComparison.Ordinal), "both lines", "--timestamps");

        var lines = Stamped(result.Stdout);
        Assert.Equal(["one", "two"], lines.Select(l => l.Text).Order(StringComparer.Ordinal));
        Assert.All(lines, l => Assert.InRange(l.At, before.AddSeconds(-2), DateTimeOffset.UtcNow.AddSeconds(2)));
        Assert.Equal("one\ntwo\n".Length, (await fx.Kubectl.OkAsync("logs", "stamper", "-n", ns)).Length);
    }

    [Fact]
    public async Task Since_and_since_time_leave_out_what_was_written_before()
    {
        var ns = await fx.NewNamespaceAsync("since");
        await RunAsync(ns, "ticker", "echo first; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done");
        var all = await LogsUntilAsync(ns, "ticker", s => s.Contains("tick 6\n", StringComparison.Ordinal), "six ticks", "--timestamps");
        var stamped = Stamped(all.Stdout);

        var asked = DateTimeOffset.UtcNow;
        var recent = Stamped(await fx.Kubectl.OkAsync("logs", "ticker", "-n", ns, "--since=3s", "--timestamps"));
        Assert.DoesNotContain(recent, l => l.Text == "first");
        Assert.Contains(recent, l => l.Text.StartsWith("tick ", StringComparison.Ordinal));
        Assert.All(recent, l => Assert.True(l.At >= asked.AddSeconds(-4), $"{l.At:O} {l.Text} is older than --since=3s"));

        // --since-time travels with second precision: take the second after "tick 2" was written.
        var tick2 = stamped.Single(l => l.Text == "tick 2").At;
        var sinceTime = new DateTimeOffset(tick2.Year, tick2.Month, tick2.Day, tick2.Hour, tick2.Minute, tick2.Second, TimeSpan.Zero).AddSeconds(1);
        var fromTime = await fx.Kubectl.OkAsync("logs", "ticker", "-n", ns, "--since-time=" + sinceTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Assert.DoesNotContain("first\n", fromTime, StringComparison.Ordinal);
        Assert.DoesNotContain("tick 1\n", fromTime, StringComparison.Ordinal);
        Assert.DoesNotContain("tick 2\n", fromTime, StringComparison.Ordinal);
        Assert.Contains("tick 4\n", fromTime, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_streams_stamped_lines_in_order_until_the_container_ends()
    {
        var ns = await fx.NewNamespaceAsync("follow");
        await RunAsync(ns, "counter", "sleep 1; for i in 1 2 3 4 5; do echo line $i; sleep 0.3; done", restartPolicy: "Never");
        await Eventually.UntilAsync(() => JsonPath(ns, "counter", "{.status.phase}"), p => p is "Running" or "Succeeded", "running", Slow);

        var followed = Stamped(await fx.Kubectl.OkAsync("logs", "counter", "-n", ns, "-f", "--timestamps"));

        Assert.Equal(["line 1", "line 2", "line 3", "line 4", "line 5"], followed.Select(l => l.Text));
        Assert.Equal(followed.Select(l => l.At).Order(), followed.Select(l => l.At));
    }

    [Fact]
    public async Task Previous_with_timestamps_shows_the_instance_that_crashed()
    {
        var ns = await fx.NewNamespaceAsync("prev");
        await RunAsync(ns, "crasher", "echo crashing at $(date +%s); exit 1");
        await Eventually.UntilAsync(() => JsonPath(ns, "crasher", "{.status.containerStatuses[0].restartCount}"),
            r => int.TryParse(r, out var n) && n >= 1, "a restart", Slow);

        var previous = Stamped(await fx.Kubectl.OkAsync("logs", "crasher", "-n", ns, "--previous", "--timestamps"));

        Assert.Single(previous);
        Assert.StartsWith("crashing at ", previous[0].Text, StringComparison.Ordinal);
        Assert.Equal("1", await JsonPath(ns, "crasher", "{.status.containerStatuses[0].lastState.terminated.exitCode}"));
    }

    [Fact]
    public async Task A_container_flooding_its_output_keeps_its_log_within_twice_the_rotation_size()
    {
        var ns = await fx.NewNamespaceAsync("flood");
        // About 100 MB of output in a few seconds, far over the 10 MiB rotation size.
        await RunAsync(ns, "flood", "yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c 100000000; echo; echo flood-done; sleep 3600");
        await LogsUntilAsync(ns, "flood", s => s == "flood-done\n", "the end of the flood", "--tail=1");

        var uid = await JsonPath(ns, "flood", "{.metadata.uid}");
        var live = new FileInfo(Path.Combine(fx.Server.DataDir, "agent", "pods", uid, "c", "0.log"));
        var rotated = new FileInfo(live.FullName + ".1");
        Assert.True(rotated.Exists, "the log was never rotated");
        Assert.InRange(live.Length + rotated.Length, 1, 2 * LogMaxBytes + 64 * 1024);
        var tail = await fx.Kubectl.OkAsync("logs", "flood", "-n", ns, "--tail=3", "--timestamps");
        Assert.Equal(3, Stamped(tail).Count);
        Assert.EndsWith(" flood-done\n", tail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_keep_flowing_while_the_server_is_down_and_the_container_is_adopted_again()
    {
        var ns = await fx.NewNamespaceAsync("down");
        await RunAsync(ns, "steady", "i=0; while true; do i=$((i+1)); echo beat $i; sleep 0.5; done");
        await LogsUntilAsync(ns, "steady", s => s.Contains("beat 2\n", StringComparison.Ordinal), "two beats");
        var id = await JsonPath(ns, "steady", "{.status.containerStatuses[0].containerID}");

        Assert.Equal(0, await fx.Server.StopAsync());
        var downFrom = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var downTo = DateTimeOffset.UtcNow;
        await fx.Server.RestartAsync();

        var logs = Stamped((await LogsUntilAsync(ns, "steady", s => s.Length > 0, "logs after the restart", "--timestamps")).Stdout);
        Assert.Contains(logs, l => l.At > downFrom.AddMilliseconds(200) && l.At < downTo.AddMilliseconds(-200));
        Assert.Equal(id, await JsonPath(ns, "steady", "{.status.containerStatuses[0].containerID}"));
        Assert.Equal("0", await JsonPath(ns, "steady", "{.status.containerStatuses[0].restartCount}"));
    }
}
