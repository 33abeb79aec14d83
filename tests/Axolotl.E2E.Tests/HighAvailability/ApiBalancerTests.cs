using Axolotl.E2E.Tests.Harness;
using Axolotl.Testing.Etcd;

namespace Axolotl.E2E.Tests.HighAvailability;

/// <summary>
/// `axolotl api-balancer` in front of two API servers on one etcd cluster: kubectl, with a kubeconfig
/// that names only the balancer's address (verified against the cluster CA as usual), keeps working
/// when the server it was using is SIGKILLed; bad flags exit non-zero with the reason.
/// </summary>
public sealed class ApiBalancerTests
{
    [Fact]
    public async Task Kubectl_through_the_balancer_keeps_working_when_the_server_it_used_is_killed()
    {
        var etcd = await EtcdMember.StartClusterAsync(3, CancellationToken.None);
        AxolotlServer? first = null;
        AxolotlServer? second = null;
        BackgroundProcess? balancer = null;
        try
        {
            var endpoints = string.Join(",", etcd.Select(m => m.ClientUrl.ToString().TrimEnd('/')));
            var port = HighAvailabilityTests.FreePortOnBoth("127.0.0.2", "127.0.0.3");
            string[] shared = ["--datastore-endpoint", endpoints, "--local-agent", "false", "--service-cidr", "10.97.0.0/16"];
            first = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.2", extraArgs: shared);
            second = await AxolotlServer.StartAsync(port: port, bind: "127.0.0.3", extraArgs: [.. shared, "--secrets-from", first.DataDir]);

            var listen = LoopbackPorts.Free();
            balancer = BackgroundProcess.Start(await AxolotlServer.EnsureBuiltAsync(),
                ["api-balancer", "--server", $"https://127.0.0.2:{port},https://127.0.0.3:{port}", "--listen", $"127.0.0.1:{listen}", "--connect-timeout", "500ms"],
                new Dictionary<string, string>());
            var viaBalancer = new Kubectl(first);
            string[] server = ["--server", $"https://127.0.0.1:{listen}"];
            await Eventually.UntilAsync(() => viaBalancer.RunAsync([.. server, "get", "namespaces", "default", "-o", "name"], stdin: null),
                r => r.ExitCode == 0, "kubectl through the balancer", TimeSpan.FromSeconds(30));

            await viaBalancer.OkAsync([.. server, "create", "configmap", "before-kill", "--from-literal=k=v"]);
            await first.KillAsync();

            // The next connection finds the first server gone and goes to the second, with no retry by kubectl.
            await viaBalancer.OkAsync([.. server, "create", "configmap", "after-kill", "--from-literal=k=v"]);
            var names = await viaBalancer.OkAsync([.. server, "get", "configmaps", "-o", "jsonpath={.items[*].metadata.name}"]);
            Assert.Contains("before-kill", names.Split(' '));
            Assert.Contains("after-kill", names.Split(' '));
            Assert.Contains($"connections now go to 127.0.0.3:{port}", balancer.Stdout + balancer.Stderr);
            Assert.False(balancer.HasExited);
        }
        finally
        {
            if (balancer is not null)
            {
                await balancer.DisposeAsync();
            }
            await HighAvailabilityTests.StopAllAsync(etcd, first, second);
        }
    }

    [Theory]
    [InlineData("--listen", "127.0.0.1", "invalid --listen")]
    [InlineData("--listen", "not-an-address:80", "invalid --listen")]
    [InlineData("--connect-timeout", "forever", "invalid --connect-timeout")]
    [InlineData("--connect-timeout", "0s", "invalid --connect-timeout")]
    [InlineData("--server", "http://127.0.0.1:6443", "invalid --server")]
    public async Task Bad_flags_exit_non_zero_with_the_reason(string flag, string value, string reason)
    {
        string[] args = flag == "--server"
            ? ["api-balancer", "--server", value]
            : ["api-balancer", "--server", "https://127.0.0.2:6443", flag, value];
        var result = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(), args, timeout: TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(reason, result.Stderr);
    }
}
