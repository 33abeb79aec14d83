using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Workloads;

/// <summary>Manifests and kubectl reads shared by the workload controller tests.</summary>
internal sealed partial class Workloads(ServerFixture fx)
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    /// <summary>A Deployment "web" of busybox containers named "main" that sleep; quick to stop (1 s grace).</summary>
    public static string Deployment(string ns, int replicas = 2, string image = "busybox:1.36", string strategy = "RollingUpdate",
        int progressDeadlineSeconds = 600, string annotations = "{}") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {{ns}}
          annotations: {{annotations}}
        spec:
          replicas: {{replicas}}
          progressDeadlineSeconds: {{progressDeadlineSeconds}}
          strategy:
            type: {{strategy}}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: {{image}}
                command: [sleep, "3600"]
        """;

    public async Task<string> ApplyAsync(string manifest) => await fx.Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");

    public Task<string> GetAsync(string ns, string resource, string jsonPath) =>
        fx.Kubectl.OkAsync("get", resource, "-n", ns, "-o", $"jsonpath={jsonPath}");

    public Task<string> WaitForAsync(string ns, string resource, string jsonPath, Func<string, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => GetAsync(ns, resource, jsonPath), done, what, timeout ?? Slow);

    /// <summary>`kubectl rollout status`, required to succeed; returns its output.</summary>
    public async Task<string> RolloutStatusAsync(string ns, string target = "deployment/web")
    {
        var result = await fx.Kubectl.RunAsync(["rollout", "status", target, "-n", ns, $"--timeout={(int)Slow.TotalSeconds}s"], stdin: null,
            timeout: Slow + TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"rollout status failed: {result}\n{await DiagnosticsAsync(ns)}");
        return result.Stdout;
    }

    /// <summary>Names of the pods matching <paramref name="selector"/> that are not terminating.</summary>
    public async Task<List<string>> LivePodsAsync(string ns, string selector = "app=web")
    {
        var text = await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", selector, "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.metadata.deletionTimestamp}{\"\\n\"}{end}");
        return TableText.Lines(text).Select(l => l.Split(' ')).Where(p => p.Length == 1 || p[1].Length == 0).Select(p => p[0]).ToList();
    }

    /// <summary>The Deployment's ReplicaSets: (name, revision, spec.replicas, image), by revision.</summary>
    public async Task<List<(string Name, int Revision, int Replicas, string Image)>> ReplicaSetsAsync(string ns)
    {
        var text = await fx.Kubectl.OkAsync("get", "rs", "-n", ns, "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.metadata.annotations.deployment\\.kubernetes\\.io/revision} {.spec.replicas} {.spec.template.spec.containers[0].image}{\"\\n\"}{end}");
        return TableText.Lines(text).Select(l => l.Split(' '))
            .Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture), p[3]))
            .OrderBy(r => r.Item2)
            .ToList();
    }

    /// <summary>The revisions and change causes `kubectl rollout history` lists.</summary>
    public async Task<List<(int Revision, string ChangeCause)>> HistoryAsync(string ns)
    {
        var text = await fx.Kubectl.OkAsync("rollout", "history", "deployment/web", "-n", ns);
        var lines = TableText.Lines(text);
        Assert.Equal("deployment.apps/web", lines[0]);
        Assert.Equal(["REVISION", "CHANGE-CAUSE"], TableText.Cells(lines[1]));
        return lines.Skip(2).Select(TableText.Cells)
            .Select(c => (int.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture), c.Length > 1 ? c[1] : ""))
            .ToList();
    }

    /// <summary>Event messages about <paramref name="name"/> with <paramref name="reason"/>, in the order they were first recorded.</summary>
    public async Task<List<string>> EventsAsync(string ns, string reason, string name = "web")
    {
        var text = await fx.Kubectl.OkAsync("get", "events", "-n", ns, "--field-selector", $"involvedObject.name={name},reason={reason}",
            "-o", "jsonpath={range .items[*]}{.metadata.name}\t{.type}\t{.message}{\"\\n\"}{end}");
        return TableText.Lines(text).Select(l => l.Split('\t')).OrderBy(p => p[0], StringComparer.Ordinal).Select(p => $"{p[1]} {p[2]}").ToList();
    }

    /// <summary>What the cluster looked like, for failure messages.</summary>
    public async Task<string> DiagnosticsAsync(string ns)
    {
        var result = await fx.Kubectl.RunAsync("get", "deploy,rs,pods", "-n", ns, "-o", "wide");
        var events = await fx.Kubectl.RunAsync("get", "events", "-n", ns);
        return $"{result.Output}\n{events.Output}";
    }

    [GeneratedRegex("^web-(?<hash>[bcdfghjklmnpqrstvwxz2456789]{1,10})$")]
    public static partial Regex ReplicaSetName();
}
