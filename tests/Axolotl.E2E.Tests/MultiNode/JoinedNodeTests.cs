using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>A second node joined with `axolotl agent`: Ready, scheduled to, logs/exec proxied to it, pods routed across nodes.</summary>
public sealed class JoinedNodeTests(MultiNodeFixture fx) : IClassFixture<MultiNodeFixture>
{
    [Fact]
    public async Task Kubectl_get_nodes_shows_the_server_node_and_the_joined_node_Ready()
    {
        var output = await fx.Kubectl.OkAsync("get", "nodes");

        Assert.Equal("Ready", TableText.Row(output, fx.Server.NodeName)[1]);
        Assert.Equal("Ready", TableText.Row(output, fx.Agent.NodeName)[1]);
        var cidr = await fx.Kubectl.OkAsync("get", "node", fx.Agent.NodeName, "-o", "jsonpath={.spec.podCIDR} {.status.daemonEndpoints.kubeletEndpoint.Port}");
        Assert.Equal($"{fx.Agent.PodCidr} {fx.Agent.KubeletPort}", cidr);
    }

    [Fact]
    public async Task A_deployment_spreads_its_pods_over_both_nodes_and_they_run()
    {
        var ns = await fx.NewNamespaceAsync("spread");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "-n", ns, "--image=busybox", "--replicas=6", "--", "sleep", "3600");

        var pods = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pods", "-n", ns, "--no-headers", "-o", "custom-columns=PHASE:.status.phase,NODE:.spec.nodeName"),
            r => TableText.Lines(r.Stdout).Length == 6 && TableText.Lines(r.Stdout).All(l => l.StartsWith("Running", StringComparison.Ordinal)),
            "six Running pods", TimeSpan.FromSeconds(90));

        var nodes = TableText.Lines(pods.Stdout).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).ToHashSet();
        Assert.Contains(fx.Server.NodeName, nodes);
        Assert.Contains(fx.Agent.NodeName, nodes);
    }

    [Fact]
    public async Task Logs_and_exec_reach_a_pod_on_the_joined_node()
    {
        var ns = await fx.NewNamespaceAsync("joined-logs");
        await fx.RunPodOnAsync(ns, "talker", fx.Agent.NodeName, "busybox", "sh", "-c", "echo hello from the joined node; sleep 3600");

        var logs = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Contains("hello from the joined node", StringComparison.Ordinal),
            "the pod's output in kubectl logs", "logs", "talker", "-n", ns);
        var exec = await fx.Kubectl.RunAsync("exec", "talker", "-n", ns, "--", "sh", "-c", "hostname; exit 4");

        Assert.Equal("hello from the joined node\n", logs.Stdout);
        Assert.Equal(4, exec.ExitCode);
        Assert.Equal("talker\n", exec.Stdout);
    }

    [Fact]
    public async Task A_pod_on_the_joined_node_gets_the_secret_it_mounts_and_the_config_map_it_reads()
    {
        // The joined node holds a node credential: it may read these only because its own pod references them.
        var ns = await fx.NewNamespaceAsync("joined-config");
        await fx.Kubectl.OkAsync("create", "secret", "generic", "db", "-n", ns, "--from-literal=password=hunter2");
        await fx.Kubectl.OkAsync("create", "configmap", "settings", "-n", ns, "--from-literal=color=blue");
        await fx.Kubectl.OkWithInputAsync($$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"reader","namespace":"{{ns}}"},
             "spec":{"nodeName":"{{fx.Agent.NodeName}}","containers":[{"name":"c","image":"busybox","command":["sh","-c","cat /secret/password; echo \" $COLOR\"; sleep 3600"],
               "env":[{"name":"COLOR","valueFrom":{"configMapKeyRef":{"name":"settings","key":"color"} } }],
               "volumeMounts":[{"name":"s","mountPath":"/secret"}]}],
               "volumes":[{"name":"s","secret":{"secretName":"db"} }]} }
            """, "apply", "-f", "-");

        var logs = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Contains("hunter2", StringComparison.Ordinal),
            "the pod's output in kubectl logs", "logs", "reader", "-n", ns);

        Assert.Equal("hunter2 blue\n", logs.Stdout);
    }

    [Fact]
    public async Task A_pod_on_one_node_reaches_a_pod_on_the_other_node_by_IP()
    {
        var ns = await fx.NewNamespaceAsync("cross-node");
        var serverIp = await fx.RunPodOnAsync(ns, "hello", fx.Agent.NodeName, "docker.io/axolotl/http-hello");
        await fx.RunPodOnAsync(ns, "client", fx.Server.NodeName, "busybox", "sleep", "3600");

        var reply = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Length > 0,
            "an HTTP answer from the other node's pod", "exec", "client", "-n", ns, "--", "timeout", "3", "wget", "-q", "-O", "-", $"http://{serverIp}:8080/");
        var back = await fx.Kubectl.RunAsync("exec", "hello", "-n", ns, "--", "sh", "-c", "echo reachable");

        Assert.StartsWith(fx.Agent.PodCidr[..^4], serverIp, StringComparison.Ordinal);
        Assert.NotEmpty(reply.Stdout);
        Assert.Equal(0, back.ExitCode);
    }

    [Fact]
    public async Task Killing_the_agent_leaves_its_containers_running_and_a_restarted_agent_adopts_them()
    {
        var ns = await fx.NewNamespaceAsync("agent-kill");
        var marker = $"{Environment.ProcessId % 1000 + 7000}{fx.Agent.NodeName.Length}";
        await fx.RunPodOnAsync(ns, "survivor", fx.Agent.NodeName, "busybox", tolerateNodeLoss: true, "sh", "-c", $"exec sleep {marker}");
        var before = ProcessesRunning($"sleep {marker}");
        Assert.Single(before);

        await fx.Agent.KillAsync();
        var whileDown = ProcessesRunning($"sleep {marker}");
        await fx.Agent.RestartAsync();
        var exec = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "exec after the agent came back", "exec", "survivor", "-n", ns, "--", "echo", "back");
        var restarts = await fx.Kubectl.OkAsync("get", "pod", "survivor", "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].restartCount}");

        Assert.Equal(before, whileDown);
        Assert.Equal(before, ProcessesRunning($"sleep {marker}"));
        Assert.Equal("back\n", exec.Stdout);
        Assert.Equal("0", restarts);
    }

    /// <summary>PIDs of processes whose command line is exactly <paramref name="commandLine"/>.</summary>
    private static List<int> ProcessesRunning(string commandLine)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim() == commandLine)
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Exited meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        found.Sort();
        return found;
    }
}
