using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Attach;

/// <summary>
/// Ephemeral containers with the real kubectl: `kubectl debug -it POD --image=busybox --target=C`
/// gives a shell in the target's process namespace, the status and `kubectl describe` show the
/// ephemeral container, and pods/ephemeralcontainers refuses to remove it.
/// </summary>
[Collection(SharedServerGCollection.Name)]
public sealed class DebugTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Debug_with_a_target_gives_a_shell_that_sees_the_targets_processes()
    {
        var ns = await fx.NewNamespaceAsync("debug");
        await fx.Kubectl.OkAsync("run", "app", "-n", ns, "--image=busybox", "--", "sh", "-c", "exec sleep 3600");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "app", "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", "pod app to run", StartTimeout);

        await using (var terminal = TerminalSession.Start(fx.Server.Kubeconfig, Path.Combine(fx.Server.DataDir, "kube-cache"), fx.Server.DataDir,
            "debug", "-it", "app", "-n", ns, "--image=busybox", "--target=app", "-c", "debugger"))
        {
            await terminal.WaitForAsync("If you don't see a command prompt, try pressing enter.", StartTimeout);
            // The target's own process (the init's line names it too, but does not start with it).
            await terminal.TypeAsync("ps -o args | grep -c '^sleep 360[0]'; echo marker=$((40+2))\n");
            await terminal.WaitForAsync("marker=42", StartTimeout);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(terminal.Screen, @"\n1\r?\nmarker=42"), terminal.Screen);
            await terminal.TypeAsync("exit\n");
            Assert.Equal(0, await terminal.WaitForExitAsync(StartTimeout));
        }

        var exitCode = await Eventually.UntilAsync(
            () => fx.Kubectl.RunAsync("get", "pod", "app", "-n", ns, "-o", "jsonpath={.status.ephemeralContainerStatuses[0].state.terminated.exitCode}"),
            r => r.Stdout == "0", "the ephemeral container to be reported terminated", StartTimeout);
        Assert.Equal("0", exitCode.Stdout);
        // The target keeps running, and nothing restarts the ephemeral container.
        Assert.Equal("Running", await fx.Kubectl.OkAsync("get", "pod", "app", "-n", ns, "-o", "jsonpath={.status.phase}"));

        var describe = await fx.Kubectl.OkAsync("describe", "pod", "app", "-n", ns);
        Assert.Contains("Ephemeral Containers:", describe, StringComparison.Ordinal);
        Assert.Contains("  debugger:", describe, StringComparison.Ordinal);
        Assert.Contains("Started container debugger", describe, StringComparison.Ordinal);

        var removal = await fx.Kubectl.FailAsync("patch", "pod", "app", "-n", ns, "--subresource=ephemeralcontainers", "--type=json",
            "-p", """[{"op":"remove","path":"/spec/ephemeralContainers/0"}]""");
        Assert.Contains("spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger\" may not be removed", removal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ephemeral_container_with_ports_is_refused_with_upstreams_message()
    {
        var ns = await fx.NewNamespaceAsync("debug");
        await fx.Kubectl.OkAsync("run", "web", "-n", ns, "--image=busybox", "--", "sleep", "3600");

        var refused = await fx.Kubectl.FailAsync("patch", "pod", "web", "-n", ns, "--subresource=ephemeralcontainers", "--type=strategic",
            "-p", """{"spec":{"ephemeralContainers":[{"name":"web","image":"busybox","ports":[{"containerPort":80}]}]}}""");

        Assert.Contains("spec.ephemeralContainers[0].name: Duplicate value: \"web\"", refused, StringComparison.Ordinal);
        Assert.Contains("spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container", refused, StringComparison.Ordinal);
    }
}
