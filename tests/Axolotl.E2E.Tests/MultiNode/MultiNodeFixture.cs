using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>A server (with its own node) and one agent joined with the server's join token, shared by a test class.</summary>
public class MultiNodeFixture : ServerFixture
{
    private AxolotlAgent? _agent;

    public AxolotlAgent Agent => _agent ?? throw new InvalidOperationException("the fixture is not initialised");

    /// <summary>Fast failure detection so node-failure tests take seconds, not minutes.</summary>
    protected override IReadOnlyList<string> ServerArgs =>
        ["--node-monitor-grace-period", "4s", "--default-toleration-seconds", "2", "--node-lease-interval", "1s"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _agent = await AxolotlAgent.StartAsync(Server);
        await Eventually.UntilAsync(() => Kubectl.RunAsync("get", "nodes", "--no-headers"),
            r => TableText.Lines(r.Stdout).Select(TableText.Cells).Count(row => row.Length > 1 && row[1] == "Ready") == 2, "both nodes Ready", TimeSpan.FromSeconds(60));
    }

    public override async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            Directory.CreateDirectory(LogDir);
            File.WriteAllText(Path.Combine(LogDir, $"{nameof(MultiNodeFixture)}-agent-{_agent.NodeName}.log"), _agent.Log);
            await _agent.DisposeAsync();
        }
        await base.DisposeAsync();
    }

    /// <summary>Runs a pod pinned to <paramref name="node"/> and waits until it runs; returns its IP.</summary>
    public Task<string> RunPodOnAsync(string ns, string name, string node, string image, params string[] command) =>
        RunPodOnAsync(ns, name, node, image, tolerateNodeLoss: false, command);

    /// <param name="tolerateNodeLoss">Tolerate the node being unreachable or not ready for 5 minutes, so this
    /// fixture's fast eviction (about 6 s) cannot take the pod while a test restarts its agent on a loaded machine.</param>
    public async Task<string> RunPodOnAsync(string ns, string name, string node, string image, bool tolerateNodeLoss, params string[] command)
    {
        var tolerations = tolerateNodeLoss
            ? "  tolerations:\n" + string.Concat(new[] { "unreachable", "not-ready" }.Select(t =>
                $"  - {{key: node.kubernetes.io/{t}, operator: Exists, effect: NoExecute, tolerationSeconds: 300}}\n"))
            : "";
        var commandYaml = command.Length == 0 ? "" : $"    command: [{string.Join(", ", command.Select(c => $"\"{c.Replace("\"", "\\\"", StringComparison.Ordinal)}\""))}]\n";
        var manifest = $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
              namespace: {ns}
            spec:
              nodeSelector:
                kubernetes.io/hostname: {node}
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {image}

            """ + commandYaml + tolerations;
        await Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");
        var running = await Eventually.UntilAsync(() => Kubectl.RunAsync("get", "pod", name, "-n", ns, "-o", "jsonpath={.status.phase} {.spec.nodeName} {.status.podIP}"),
            r => r.Stdout.StartsWith("Running ", StringComparison.Ordinal), $"pod {name} Running on {node}", TimeSpan.FromSeconds(60));
        var parts = running.Stdout.Split(' ');
        Assert.Equal(node, parts[1]);
        return parts[2];
    }
}
