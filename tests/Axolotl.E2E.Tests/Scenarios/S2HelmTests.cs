using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Helm;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S2 step 8 (seed 001, 12.3) with the real Helm 3.17 as examples/s2-probes-resources-quotas/README.md
/// walks it: the todo-list chart installed with --atomic, checked by its `helm test` pod, a v2 upgrade whose
/// database never becomes ready rolled back by --atomic while the v1 pods keep serving, then
/// `helm uninstall todo-list` leaving nothing behind.
/// </summary>
[Collection(S2Kit.Collection)]
public sealed class S2HelmTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Release = "todo-list";
    private const string Instance = "app.kubernetes.io/instance=" + Release;
    private readonly HelmCli _helm = new(fx.Server);

    [Fact]
    public async Task A_failed_atomic_upgrade_is_rolled_back_while_v1_serves_and_uninstall_leaves_nothing()
    {
        var chart = S2Kit.Path("helm/todo-list");
        var installed = await _helm.OkAsync("install", "--atomic", "--timeout", "120s", Release, chart);
        Assert.Matches(@"STATUS: deployed\nREVISION: 1\n", installed);
        var url = await fx.Kubectl.OkAsync("get", "svc", "todo-list-web", "-o", "jsonpath=http://{.status.loadBalancer.ingress[0].*}:8082");
        Assert.Matches(@"^http://\d+\.\d+\.\d+\.\d+:8082$", url);
        await Eventually.UntilAsync(() => PostItemAsync(url + "/new", "Learn Helm"), s => s == 302, "the item added", S2Kit.Slow);
        Assert.Contains("<li>Learn Helm</li>", (await S2Kit.GetAsync(url + "/"))!.Value.Body, StringComparison.Ordinal);

        // The chart's test hook: a pod that curls the web Service by its DNS name, deleted by Helm once it passed.
        var test = await _helm.OkAsync("test", Release, "--timeout", "90s");
        Assert.Matches(@"TEST SUITE:\s+todo-list-web-test\n(.*\n)*?Phase:\s+Succeeded", test);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pod", "todo-list-web-test", "--ignore-not-found", "-o", "name"));

        // v2's database never listens: its pod runs but is never ready, the old one keeps the endpoint.
        var v1Db = Assert.Single(await S2Kit.PodNamesAsync(fx, "app=todo-list-db"));
        var upgrade = _helm.RunAsync("upgrade", "--atomic", "--timeout", "20s", Release, chart, "-f", S2Kit.Path("helm/todo-list-v2.yaml"));
        await Eventually.UntilAsync(() => S2Kit.PodNamesAsync(fx, "app=todo-list-db"), p => p.Length == 2, "the v2 database pod", S2Kit.Slow);
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-l", "app=todo-list-db"),
            t => Regex.IsMatch(t, @"todo-list-db-\S+\s+0/1\s+Running"), "the v2 database pod running, not ready", S2Kit.Slow);
        Assert.Equal(v1Db, await S2Kit.JsonPathAsync(fx, "endpoints/todo-list-db", "{.subsets[*].addresses[*].targetRef.name}"));
        Assert.Contains("<li>Learn Helm</li>", (await S2Kit.GetAsync(url + "/", TimeSpan.FromSeconds(10)))!.Value.Body, StringComparison.Ordinal);

        var failed = await upgrade;
        Assert.True(failed.ExitCode != 0, $"the v2 upgrade was expected to fail: {failed}");
        Assert.Contains("UPGRADE FAILED: release todo-list failed, and has been rolled back due to atomic being set", failed.Stderr);
        var history = JsonNode.Parse(await _helm.OkAsync("history", Release, "-o", "json"))!.AsArray();
        Assert.Equal([(1, "superseded"), (2, "failed"), (3, "deployed")], history.Select(r => ((int)r!["revision"]!, (string)r["status"]!)));
        Assert.Equal("Rollback to 1", (string?)history[^1]!["description"]);
        Assert.Equal("", await S2Kit.JsonPathAsync(fx, "deployment/todo-list-db", "{.spec.template.spec.containers[0].command}"));
        await Eventually.UntilAsync(() => S2Kit.PodNamesAsync(fx, "app=todo-list-db"), p => p.SequenceEqual([v1Db]), "only the v1 database pod", S2Kit.Slow);
        var page = await S2Kit.GetAsync(url + "/", TimeSpan.FromSeconds(10));
        Assert.Contains("<li>Learn Helm</li>", page!.Value.Body, StringComparison.Ordinal);

        var uninstalled = await _helm.OkAsync("uninstall", Release, "--wait", "--timeout", "90s");
        Assert.Contains("release \"todo-list\" uninstalled", uninstalled);
        Assert.Equal("[]", (await _helm.OkAsync("list", "--all", "-o", "json")).Trim());
        // The claim waits for its pod to go (pvc-protection), then its volume goes with it (reclaim policy Delete).
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "all,configmaps,secrets,pvc", "-l", Instance, "-o", "name"),
            t => t.Trim().Length == 0, "every object of the release gone", S2Kit.Slow);
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "secrets,pods", "-o", "name"),
            t => !t.Contains("sh.helm.release", StringComparison.Ordinal) && !t.Contains("todo-list", StringComparison.Ordinal),
            "no release Secret, no pod left", S2Kit.Slow);
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pv", "-o", "name"), t => t.Trim().Length == 0, "the claim's volume deleted", S2Kit.Slow);
    }

    private static async Task<int> PostItemAsync(string url, string item)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("item", item)]);
        try
        {
            using var response = await http.PostAsync(url, form);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }
}
