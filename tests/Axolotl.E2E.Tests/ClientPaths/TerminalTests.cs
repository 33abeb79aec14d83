using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Attach;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.ClientPaths;

/// <summary>
/// `kubectl exec -it` and `kubectl run -it` from a real terminal (kubectl on a pty of util-linux
/// script, sized with stty): inside the container the command has a terminal of its own devpts
/// (`tty` names /dev/pts/N), the client's window size, TERM=xterm and HOME from /etc/passwd, as
/// with containerd and runc.
/// </summary>
[Collection(ClientPathsCollection.Name)]
public sealed class TerminalTests(ClientPathsFixture fx)
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(90);

    private TerminalSession Start(params string[] kubectlArgs) =>
        TerminalSession.Start(fx.Server.Kubeconfig, Path.Combine(fx.Server.DataDir, "kube-cache"), fx.Server.DataDir, (91, 27), kubectlArgs);

    /// <summary>The evaluated $((…)) marks the shell's output apart from the terminal's echo of what was typed.</summary>
    private const string Report = "echo \"tty=$(tty) size=$(stty size) term=$TERM home=$HOME end=$((40+2))\"\n";

    [Fact]
    public async Task Exec_it_gives_the_command_a_terminal_in_the_container_with_the_clients_size()
    {
        await using var terminal = Start("exec", "-it", ClientPathsFixture.Pod, "-n", ClientPathsFixture.Namespace, "--", "sh");

        await terminal.TypeAsync(Report);
        await terminal.WaitForAsync("end=42", SessionTimeout);
        await terminal.TypeAsync("exit\n");
        var code = await terminal.WaitForExitAsync(SessionTimeout);

        Assert.True(Regex.IsMatch(terminal.Screen, @"tty=/dev/pts/\d+ size=27 91 term=xterm home=/root end=42"), terminal.Screen);
        Assert.True(code == 0, terminal.Screen);
    }

    [Fact]
    public async Task Run_it_gives_a_tty_container_a_terminal_of_its_own_devpts()
    {
        var ns = await fx.NewNamespaceAsync("run-it");
        await using var terminal = Start("run", "-it", "--rm", "--restart=Never", "shell", "-n", ns, "--image=busybox", "--", "sh");

        await terminal.WaitForAsync("If you don't see a command prompt, try pressing enter.", ClientPathsFixture.StartTimeout);
        // kubectl sends its first resize and the first typed bytes from two goroutines, in either order
        // (so does it against the kubelet): one answered line first gives the resize its turn.
        await terminal.TypeAsync("echo attached=$((20+1))\n");
        await terminal.WaitForAsync("attached=21", SessionTimeout);
        await terminal.TypeAsync(Report);
        await terminal.WaitForAsync("end=42", SessionTimeout);
        await terminal.TypeAsync("exit\n");
        var code = await terminal.WaitForExitAsync(SessionTimeout);

        Assert.True(Regex.IsMatch(terminal.Screen, @"tty=/dev/pts/0 size=27 91 term=xterm home=/root end=42"), terminal.Screen);
        Assert.True(code == 0, terminal.Screen);
    }
}
