using System.Globalization;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>A server whose crash-loop back-off (10 s, then 20 s at most) outlasts its own restart, so a restart that reset it shows.</summary>
public sealed class SlowBackoffFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--restart-backoff", "10s", "--restart-backoff-max", "20s"];
}

/// <summary>A crash loop's schedule survives a server (and its node agent) restart: no early start, no curve started over.</summary>
public sealed class AgentRestartBackoffTests(SlowBackoffFixture fx) : IClassFixture<SlowBackoffFixture>
{
    [Fact]
    public async Task A_container_waiting_out_its_back_off_is_not_started_early_by_a_server_restart()
    {
        var ns = await fx.NewNamespaceAsync("adopt-backoff");
        await fx.Kubectl.OkWithInputAsync(
            $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: crasher\n  namespace: {ns}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'exit 1']\n",
            "apply", "-f", "-");
        // Wait for an exit that starts a 20 s wait (the ceiling): the restart then comes well inside that wait.
        const string state = "jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].lastState.terminated.finishedAt} {.status.containerStatuses[0].state.waiting.message}";
        var waiting = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "crasher", "-n", ns, "-o", state),
            s => s.Contains(" back-off 20s ", StringComparison.Ordinal), "a 20 s back-off", TimeSpan.FromSeconds(120));
        var fields = waiting.Split(' ');
        var restarts = int.Parse(fields[0], CultureInfo.InvariantCulture);
        var exited = DateTimeOffset.Parse(fields[1], CultureInfo.InvariantCulture);

        Assert.Equal(0, await fx.Server.StopAsync());
        await fx.Server.RestartAsync();

        // The next run may start only when the 20 s are up; a reset back-off starts it as soon as the node is back.
        const string next = "jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].state.running.startedAt}{.status.containerStatuses[0].lastState.terminated.startedAt}";
        var after = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "crasher", "-n", ns, "-o", next),
            s => int.Parse(s.Split(' ')[0], CultureInfo.InvariantCulture) > restarts && s.Split(' ')[1].Length > 0, "the next run", TimeSpan.FromSeconds(60));
        var nextStarted = DateTimeOffset.Parse(after.Split(' ')[1][..20], CultureInfo.InvariantCulture);
        // RFC 3339 seconds on both sides: a second's rounding either way.
        Assert.True(nextStarted - exited >= TimeSpan.FromSeconds(19),
            $"the run after the server restart started {(nextStarted - exited).TotalSeconds:0} s after the exit, inside its 20 s back-off (restarts {restarts} → {after})");
        Assert.Equal(restarts + 1, int.Parse(after.Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
