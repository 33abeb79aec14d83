using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>Restarting the server (and so its node agent) under running pods restarts no container.</summary>
public sealed class AgentRestartTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Restarting_the_server_under_running_pods_restarts_no_container()
    {
        var ns = await fx.NewNamespaceAsync("adopt");
        await fx.Kubectl.OkWithInputAsync(
            $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: survivor\n  namespace: {ns}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c, 'sleep 3600']\n",
            "apply", "-f", "-");
        var jsonpath = "jsonpath={.status.phase} {.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}";
        var before = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "survivor", "-n", ns, "-o", jsonpath),
            s => s.StartsWith("Running axolotl://", StringComparison.Ordinal), "Running", TimeSpan.FromSeconds(60));

        Assert.Equal(0, await fx.Server.StopAsync());
        await fx.Server.RestartAsync();

        // Give the re-adopted agent a few status rounds, then compare.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await fx.Kubectl.OkAsync("get", "pod", "survivor", "-n", ns, "-o", jsonpath);
        Assert.Equal(before, after);
        Assert.EndsWith(" 0", after, StringComparison.Ordinal);
    }
}
