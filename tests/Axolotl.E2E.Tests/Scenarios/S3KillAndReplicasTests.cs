using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.MultiNode;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S3 (seed 002) steps 1–2 as examples/s3-kill-replicas-drain-rollout/README.md walks
/// them on two nodes, with the example's own manifests: `kill 1` inside the nginx pod restarts the
/// container (a new PID file time, curl gets the page again); deleting a Deployment's pod is made
/// good at once, and deleting the Deployment removes its pods.
/// </summary>
public sealed class S3KillAndReplicasTests(SteadyTwoNodeFixture fx) : IClassFixture<SteadyTwoNodeFixture>
{
    [Fact]
    public async Task Kill_1_inside_the_nginx_pod_restarts_its_container_and_curl_gets_the_page_again()
    {
        var ns = await fx.NewNamespaceAsync("s3-kill");
        Assert.Equal("pod/nginx-pod created\n", await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S3Files.Path("nginx-pod.yaml")));
        var ip = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "nginx-pod", "-n", ns, "-o", "jsonpath={.status.podIP}"),
            s => s.Length > 0, "nginx-pod's IP", S3Files.Slow);
        // The seed's curl loop: the page's title line.
        Assert.Equal("<title>Welcome to nginx!</title>",
            await Eventually.UntilAsync(() => S3Files.TitleAsync(ip), t => t is not null, "nginx-pod to serve its page", S3Files.Slow));

        var pid = await fx.Kubectl.OkAsync("exec", "nginx-pod", "-n", ns, "--", "/bin/bash", "-c", "cat /run/nginx.pid");
        Assert.Matches(@"^\d+\n$", pid);
        var before = await PidFileTimeAsync(ns);

        // `kill 1` inside the container: PID 1 (the container's init) passes SIGTERM to the server, which stops.
        await fx.Kubectl.KillPid1Async(ns, "nginx-pod", "/bin/bash", "-c", "kill 1");

        var table = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "nginx-pod", "-n", ns),
            t => t.Contains("1/1") && TableText.Row(t, "nginx-pod")[3].StartsWith("1 (", StringComparison.Ordinal), "RESTARTS 1 and Ready again", S3Files.Slow);
        Assert.Equal("Running", TableText.Row(table, "nginx-pod")[2]);
        Assert.Equal("<title>Welcome to nginx!</title>",
            await Eventually.UntilAsync(() => S3Files.TitleAsync(ip), t => t is not null, "curl to get the page again", S3Files.Slow));

        var after = await PidFileTimeAsync(ns);
        Assert.True(string.CompareOrdinal(after, before) > 0, $"the PID file was written again: before {before}, after {after}");

        var describe = await fx.Kubectl.OkAsync("describe", "pod", "nginx-pod", "-n", ns);
        // nginx stops on SIGTERM (its fast shutdown) with exit code 0.
        Assert.Matches(@"State:\s+Running\n.*\n\s+Last State:\s+Terminated\n\s+Reason:\s+Completed\n\s+Exit Code:\s+0", describe);
        Assert.Matches(@"Restart Count:\s+1\n", describe);
    }

    [Fact]
    public async Task Deleting_a_Deployment_pod_brings_a_replacement_at_once_and_deleting_the_Deployment_removes_its_pods()
    {
        var ns = await fx.NewNamespaceAsync("s3-replicas");
        Assert.Equal("deployment.apps/echo-hname created\n", await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S3Files.Path("echo-hname.yaml")));
        await fx.Kubectl.OkAsync("rollout", "status", "deployment", "echo-hname", "-n", ns, "--timeout=60s");
        var rows = await S3Files.PodRowsAsync(fx, ns, "app=echo-hname");
        Assert.Equal(3, rows.Length);
        Assert.All(rows, r => Assert.Equal("Running", r[2]));

        var victim = rows[0][0];
        Assert.Equal($"pod \"{victim}\" deleted\n", await fx.Kubectl.OkAsync("delete", "pods", victim, "-n", ns));
        // By the time `kubectl delete` returns (it waits for the pod to be gone) the replacement exists.
        var replaced = await S3Files.PodRowsAsync(fx, ns, "app=echo-hname");
        Assert.Equal(3, replaced.Length);
        Assert.DoesNotContain(replaced, r => r[0] == victim);
        await Eventually.UntilAsync(() => S3Files.PodRowsAsync(fx, ns, "app=echo-hname"),
            r => r.Length == 3 && r.All(c => c[1] == "1/1" && c[2] == "Running"), "three Running pods again", S3Files.Slow);

        Assert.Equal("deployment.apps \"echo-hname\" deleted\n", await fx.Kubectl.OkAsync("delete", "deployment", "echo-hname", "-n", ns));
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pods", "-n", ns, "-l", "app=echo-hname"),
            r => r.ExitCode == 0 && r.Stdout.Length == 0 && r.Stderr.Contains("No resources found"), "the Deployment's pods to be gone", S3Files.Slow);
    }

    /// <summary>`ls -l --time-style=full-iso /run/nginx.pid`'s date and time (nanoseconds, so a restart within the same second still differs).</summary>
    private async Task<string> PidFileTimeAsync(string ns)
    {
        var ls = await fx.Kubectl.OkAsync("exec", "nginx-pod", "-n", ns, "--", "/bin/bash", "-c", "ls -l --time-style=full-iso /run/nginx.pid");
        var cells = ls.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(cells.Length >= 8, $"unexpected ls output: {ls}");
        return cells[5] + " " + cells[6];
    }
}
