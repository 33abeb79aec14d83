using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>
/// What a node credential may do (issue 15 rows 3, 8 and 9): only the objects its own pods reference,
/// only the status of pods bound to it, only its own Node; each attack next to the honest use.
/// Nodes "NAME-a" and "NAME-b" are plain Node objects (no agent), their pods bound by spec.nodeName.
/// </summary>
public sealed class NodeAuthorizationTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private async Task<(string Ns, string NodeA, string NodeB)> TwoNodesAsync()
    {
        var ns = await fx.NewNamespaceAsync("nodeauthz");
        var prefix = fx.UniqueName("n");
        foreach (var node in new[] { $"{prefix}-a", $"{prefix}-b" })
        {
            await fx.Kubectl.OkWithInputAsync($$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{node}}}"}}""", "apply", "-f", "-");
        }
        return (ns, $"{prefix}-a", $"{prefix}-b");
    }

    private Task BoundPodAsync(string ns, string name, string node, string secret) =>
        fx.Kubectl.OkWithInputAsync($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
             "spec":{"nodeName":"{{{node}}}","containers":[{"name":"c","image":"busybox","command":["sleep","3600"],
               "env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"{{{secret}}}-config","key":"k"} } }]}],
               "volumes":[{"name":"s","secret":{"secretName":"{{{secret}}}"}}]}}
            """, "apply", "-f", "-");

    private async Task SecretAsync(string ns, string name, string value) =>
        await fx.Kubectl.OkAsync("create", "secret", "generic", name, "-n", ns, $"--from-literal=password={value}");

    [Fact]
    public async Task A_node_reads_the_secrets_its_own_pods_mount_and_no_other()
    {
        var (ns, nodeA, nodeB) = await TwoNodesAsync();
        await SecretAsync(ns, "mine", "for-a");
        await SecretAsync(ns, "theirs", "for-b");
        await SecretAsync(ns, "loose", "nobody");
        await fx.Kubectl.OkAsync("create", "configmap", "mine-config", "-n", ns, "--from-literal=k=v");
        await BoundPodAsync(ns, "pa", nodeA, "mine");
        await BoundPodAsync(ns, "pb", nodeB, "theirs");
        using var node = await NodeCredentials.ClientAsync(fx.Server, nodeA);

        var own = await node.GetAsync($"/api/v1/namespaces/{ns}/secrets/mine");
        var ownConfig = await node.GetAsync($"/api/v1/namespaces/{ns}/configmaps/mine-config");
        var watchOne = await node.GetAsync($"/api/v1/namespaces/{ns}/secrets?fieldSelector=metadata.name%3Dmine");
        var other = await node.GetAsync($"/api/v1/namespaces/{ns}/secrets/theirs");
        var loose = await node.GetAsync($"/api/v1/namespaces/{ns}/secrets/loose");
        var system = await node.GetAsync("/api/v1/namespaces/kube-system/secrets");
        var all = await node.GetAsync("/api/v1/secrets");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownConfig.StatusCode);
        Assert.Equal(HttpStatusCode.OK, watchOne.StatusCode);
        Assert.Contains("\"mine\"", await watchOne.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains($"secrets \\\"theirs\\\" is forbidden: User \\\"system:node:{nodeA}\\\" cannot get resource \\\"secrets\\\" in API group \\\"\\\" in the namespace \\\"{ns}\\\": no relationship found between node '{nodeA}' and this object",
            await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, loose.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, system.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, all.StatusCode);
    }

    [Fact]
    public async Task A_node_writes_status_of_and_deletes_only_pods_bound_to_it()
    {
        var (ns, nodeA, nodeB) = await TwoNodesAsync();
        await BoundPodAsync(ns, "pa", nodeA, "unused");
        await BoundPodAsync(ns, "pb", nodeB, "unused");
        using var node = await NodeCredentials.ClientAsync(fx.Server, nodeA);
        const string hijack = """{"status":{"podIP":"10.244.250.250","podIPs":[{"ip":"10.244.250.250"}]}}""";

        var theirs = await node.PatchAsync($"/api/v1/namespaces/{ns}/pods/pb/status", MergePatch(hijack));
        var mine = await node.PatchAsync($"/api/v1/namespaces/{ns}/pods/pa/status", MergePatch("""{"status":{"message":"seen by its node"}}"""));
        var evictTheirs = await node.PostAsync($"/api/v1/namespaces/{ns}/pods/pb/eviction",
            Json($$$"""{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"pb","namespace":"{{{ns}}}"}}"""));
        var deleteTheirs = await node.DeleteAsync($"/api/v1/namespaces/{ns}/pods/pb");
        var createPod = await node.PostAsync($"/api/v1/namespaces/{ns}/pods",
            Json($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"sneaky"},"spec":{"nodeName":"{{{nodeA}}}","containers":[{"name":"c","image":"busybox"}]}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, theirs.StatusCode);
        Assert.Contains($"node \\\"{nodeA}\\\" can only update pod status for pods with spec.nodeName set to itself", await theirs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, evictTheirs.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, deleteTheirs.StatusCode);
        Assert.Contains($"node \\\"{nodeA}\\\" can only delete pods with spec.nodeName set to itself", await deleteTheirs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, createPod.StatusCode);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pod", "pb", "-n", ns, "-o", "jsonpath={.status.podIP}"));
        Assert.Equal("seen by its node", await fx.Kubectl.OkAsync("get", "pod", "pa", "-n", ns, "-o", "jsonpath={.status.message}"));

        var deleteMine = await node.DeleteAsync($"/api/v1/namespaces/{ns}/pods/pa");
        Assert.Equal(HttpStatusCode.OK, deleteMine.StatusCode);
    }

    [Fact]
    public async Task A_node_registers_only_itself()
    {
        var (_, nodeA, nodeB) = await TwoNodesAsync();
        using var node = await NodeCredentials.ClientAsync(fx.Server, nodeA);

        var ghost = await node.PostAsync("/api/v1/nodes", Json("""{"apiVersion":"v1","kind":"Node","metadata":{"name":"ghost"}}"""));
        var relabel = await node.PatchAsync($"/api/v1/nodes/{nodeB}", MergePatch("""{"metadata":{"labels":{"hacked":"true"}}}"""));
        var restricted = await node.PatchAsync($"/api/v1/nodes/{nodeA}", MergePatch("""{"metadata":{"labels":{"node-restriction.kubernetes.io/trusted":"true"}}}"""));
        var ownLabel = await node.PatchAsync($"/api/v1/nodes/{nodeA}", MergePatch("""{"metadata":{"labels":{"team":"blue"}}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, ghost.StatusCode);
        Assert.Contains($"nodes \\\"ghost\\\" is forbidden: node \\\"{nodeA}\\\" is not allowed to modify node \\\"ghost\\\"", await ghost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, relabel.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, restricted.StatusCode);
        Assert.Contains("is not allowed to modify labels: node-restriction.kubernetes.io/trusted", await restricted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ownLabel.StatusCode);
        var ghosts = await fx.Kubectl.RunAsync("get", "node", "ghost");
        Assert.Contains("NotFound", ghosts.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_600_MiB_body_from_a_node_is_refused_at_3_MiB_without_being_buffered()
    {
        var (_, nodeA, _) = await TwoNodesAsync();
        var rssBefore = ResidentKiB(fx.Server.Pid!.Value);
        var clock = Stopwatch.StartNew();

        // curl streams stdin chunked (-T -) and stops sending when the server answers early. It gives up
        // itself before the runner's timeout, so a failure says how far it got (-v: headers, bytes sent).
        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c",
            $"(printf '{{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{{\"name\":\"'; head -c 629145600 /dev/zero | tr '\\0' 'a') | " +
            $"/usr/bin/curl -k -v -s -S --max-time 100 -o /dev/null -w '%{{http_code}} uploaded=%{{size_upload}} first-byte=%{{time_starttransfer}}s' " +
            $"-X POST -T - -H 'Content-Type: application/json' {await NodeCredentials.CurlArgumentsAsync(fx.Server, nodeA)} " +
            $"https://127.0.0.1:{fx.Server.Port}/api/v1/nodes"], timeout: TimeSpan.FromSeconds(120));

        var elapsed = clock.Elapsed;
        var rssAfter = ResidentKiB(fx.Server.Pid!.Value);
        var trace = string.Join('\n', result.Stderr.Split('\n').Where(l => l.StartsWith('<') || l.StartsWith('*') || l.StartsWith("curl", StringComparison.Ordinal)).TakeLast(20));
        Assert.True(result.Stdout.StartsWith("413 ", StringComparison.Ordinal), $"curl answered \"{result.Stdout.Trim()}\" (exit {result.ExitCode}) after {elapsed}:\n{trace}");
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
        Assert.True(rssAfter - rssBefore < 50 * 1024, $"server RSS grew from {rssBefore} KiB to {rssAfter} KiB");
        await fx.Kubectl.OkAsync("get", "nodes", nodeA);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static StringContent MergePatch(string json) => new(json, Encoding.UTF8, "application/merge-patch+json");

    private static long ResidentKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}

/// <summary>How a test acts as node NAME: the one place that knows which credential a node holds (its client certificate).</summary>
internal static class NodeCredentials
{
    public static async Task<HttpClient> ClientAsync(AxolotlServer server, string node) =>
        NodeCertificates.Client(server, (await NodeCertificates.ObtainAsync(server, node)).Certificate);

    /// <summary>The same credential as curl arguments (already shell-quoted).</summary>
    public static async Task<string> CurlArgumentsAsync(AxolotlServer server, string node)
    {
        var (_, certFile, keyFile) = await NodeCertificates.ObtainAsync(server, node);
        return $"--cert '{certFile}' --key '{keyFile}'";
    }
}
