using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>`kubectl logs` and `kubectl exec` through the API server's proxy to the local node agent, on real containers.</summary>
[Collection(SharedServerFCollection.Name)]
public sealed class LogsExecTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs a busybox pod that prints two lines and then sleeps, and waits for it to run.</summary>
    private async Task<(string Ns, string Pod)> RunningPodAsync()
    {
        var ns = await fx.NewNamespaceAsync("logs-exec");
        const string pod = "talker";
        await fx.Kubectl.OkAsync("run", pod, "-n", ns, "--image=busybox", "--", "sh", "-c", "echo hello; echo second >&2; sleep 3600");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", $"pod {pod} to run", StartTimeout);
        return (ns, pod);
    }

    [Fact]
    public async Task Logs_show_the_containers_output_and_tail_limits_it()
    {
        var (ns, pod) = await RunningPodAsync();

        var all = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout == "hello\nsecond\n",
            "both lines in kubectl logs", "logs", pod, "-n", ns);
        var tail = await fx.Kubectl.OkAsync("logs", pod, "-n", ns, "--tail=1");

        Assert.Equal("hello\nsecond\n", all.Stdout);
        Assert.Equal("second\n", tail);
    }

    [Fact]
    public async Task Logs_previous_without_a_restart_is_a_bad_request()
    {
        var (ns, pod) = await RunningPodAsync();

        var output = await fx.Kubectl.FailAsync("logs", pod, "-n", ns, "--previous");

        Assert.Contains($"Error from server (BadRequest): previous terminated container \"{pod}\" in pod \"{pod}\" not found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_prints_the_commands_output_and_exits_with_its_code()
    {
        var (ns, pod) = await RunningPodAsync();

        var result = await fx.Kubectl.RunAsync("exec", pod, "-n", ns, "--", "sh", "-c", "echo hi; echo oops >&2; exit 3");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("hi\n", result.Stdout);
        Assert.Contains("oops", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("command terminated with exit code 3", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_with_stdin_runs_inside_the_pod()
    {
        var (ns, pod) = await RunningPodAsync();

        var echoed = await fx.Kubectl.OkWithInputAsync("from stdin\n", "exec", "-i", pod, "-n", ns, "--", "cat");
        var hostname = await fx.Kubectl.OkAsync("exec", pod, "-n", ns, "--", "hostname");

        Assert.Equal("from stdin\n", echoed);
        Assert.Equal(pod + "\n", hostname);
    }

    [Fact]
    public async Task Exec_into_an_unknown_container_is_refused_by_the_server()
    {
        var (ns, pod) = await RunningPodAsync();

        var output = await fx.Kubectl.FailAsync("exec", pod, "-n", ns, "-c", "nope", "--", "ls");

        Assert.Contains($"container nope is not valid for pod {pod}", output, StringComparison.Ordinal);
    }
}
