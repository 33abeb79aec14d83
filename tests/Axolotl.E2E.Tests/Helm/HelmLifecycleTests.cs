using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Helm;

/// <summary>
/// The real Helm 3.17 client through a release's whole life on a real server. Helm's typed clients send
/// protobuf (its release Secrets' DeleteOptions on uninstall among them), so this is also the end-to-end
/// check of protobuf request bodies beyond kubectl's.
/// </summary>
[Collection(SharedServerBCollection.Name)]
public sealed class HelmLifecycleTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private readonly HelmCli _helm = new(fx.Server);

    [Fact]
    public async Task Install_a_failed_atomic_upgrade_a_rollback_and_uninstall_leave_no_release_and_no_objects()
    {
        var ns = await fx.NewNamespaceAsync("helm");
        var chart = TestCharts.Hello(fx.WorkDir);

        await _helm.OkAsync("install", "hello", chart, "-n", ns, "--wait", "--timeout", "90s");
        Assert.Equal("hello", await GreetingAsync(ns, "hello"));
        Assert.Equal("secret/sh.helm.release.v1.hello.v1", (await ReleaseSecretsAsync(ns)).Trim());
        Assert.Equal("service/hello-svc", (await fx.Kubectl.OkAsync("get", "service", "hello-svc", "-n", ns, "-o", "name")).Trim());

        // An image no registry has: --wait runs out and --atomic rolls back to revision 1.
        var failed = await _helm.FailAsync("upgrade", "hello", chart, "-n", ns, "--atomic", "--timeout", "20s",
            "--set", "image=no-such-image:0.0", "--set", "greeting=bye");
        Assert.Contains("has been rolled back due to atomic being set", failed);
        var history = await HistoryAsync(ns, "hello");
        Assert.Equal(["superseded", "failed", "deployed"], history.Select(r => (string)r!["status"]!));
        Assert.Equal("Rollback to 1", (string?)history[^1]!["description"]);
        Assert.Equal("hello", await GreetingAsync(ns, "hello"));
        Assert.Equal("busybox:1.36", await fx.Kubectl.OkAsync("get", "deployment", "hello-web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"));

        await _helm.OkAsync("upgrade", "hello", chart, "-n", ns, "--set", "greeting=two", "--wait", "--timeout", "90s");
        Assert.Equal("two", await GreetingAsync(ns, "hello"));
        await _helm.OkAsync("rollback", "hello", "1", "-n", ns, "--wait", "--timeout", "90s");
        Assert.Equal("hello", await GreetingAsync(ns, "hello"));
        history = await HistoryAsync(ns, "hello");
        Assert.Equal((5, "deployed", "Rollback to 1"), ((int)history[^1]!["revision"]!, (string)history[^1]!["status"]!, (string)history[^1]!["description"]!));

        // Uninstall deletes the release Secrets with protobuf DeleteOptions; it used to stop at "uninstalling".
        var uninstalled = await _helm.OkAsync("uninstall", "hello", "-n", ns, "--wait", "--timeout", "90s");
        Assert.Contains("release \"hello\" uninstalled", uninstalled);
        Assert.Equal("[]", (await _helm.OkAsync("list", "--all", "-n", ns, "-o", "json")).Trim());
        Assert.Equal("", await ReleaseSecretsAsync(ns));
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "deployment/hello-web", "service/hello-svc", "configmap/hello-config",
            "-n", ns, "--ignore-not-found", "-o", "name"));
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Trim().Length == 0,
            "the release's ReplicaSets and Pods are garbage-collected", "get", "replicasets,pods", "-n", ns, "-l", "app=hello", "-o", "name");
    }

    [Fact]
    public async Task Hooks_run_helm_test_passes_and_a_release_with_hooks_uninstalls()
    {
        var ns = await fx.NewNamespaceAsync("helm-hooks");
        var chart = TestCharts.Hooked(fx.WorkDir);

        await _helm.OkAsync("install", "hooked", chart, "-n", ns, "--wait", "--timeout", "90s");
        // hook-succeeded: Helm deleted the pre-install Job once it completed.
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "job", "hooked-pre", "-n", ns, "--ignore-not-found", "-o", "name"));

        var test = await _helm.OkAsync("test", "hooked", "-n", ns, "--logs", "--timeout", "90s");
        Assert.Contains("Phase:          Succeeded", test);
        Assert.Contains("greeting is hello", test);

        await _helm.OkAsync("upgrade", "hooked", chart, "-n", ns, "--wait", "--timeout", "90s");
        await _helm.OkAsync("uninstall", "hooked", "-n", ns, "--wait", "--timeout", "90s");
        Assert.Equal("", await ReleaseSecretsAsync(ns));
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "deployment/hooked-web", "service/hooked-svc", "configmap/hooked-config",
            "-n", ns, "--ignore-not-found", "-o", "name"));
    }

    private async Task<string> GreetingAsync(string ns, string release) =>
        await fx.Kubectl.OkAsync("get", "configmap", $"{release}-config", "-n", ns, "-o", "jsonpath={.data.greeting}");

    /// <summary>Helm keeps one Secret per revision, labelled owner=helm.</summary>
    private Task<string> ReleaseSecretsAsync(string ns) => fx.Kubectl.OkAsync("get", "secrets", "-n", ns, "-l", "owner=helm", "-o", "name");

    private async Task<JsonArray> HistoryAsync(string ns, string release) =>
        JsonNode.Parse(await _helm.OkAsync("history", release, "-n", ns, "-o", "json"))!.AsArray();
}
