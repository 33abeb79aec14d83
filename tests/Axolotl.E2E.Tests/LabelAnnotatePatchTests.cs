using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>`kubectl label`, `annotate` and the three `patch` types, each checked with jsonpath.</summary>
[Collection(SharedServerCCollection.Name)]
public sealed class LabelAnnotatePatchTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private Task<string> JsonPathAsync(string ns, string target, string path) =>
        fx.Kubectl.OkAsync("get", target, "-n", ns, "-o", $"jsonpath={path}");

    [Fact]
    public async Task Label_adds_refuses_to_overwrite_overwrites_and_removes()
    {
        var ns = await fx.NewNamespaceAsync("label");
        await fx.Kubectl.OkAsync("create", "configmap", "cfg", "--from-literal=a=1", "-n", ns);

        Assert.Equal("configmap/cfg labeled\n", await fx.Kubectl.OkAsync("label", "configmap", "cfg", "tier=a", "-n", ns));
        Assert.Equal("a", await JsonPathAsync(ns, "cm/cfg", "{.metadata.labels.tier}"));

        var refused = await fx.Kubectl.FailAsync("label", "configmap", "cfg", "tier=b", "-n", ns);
        Assert.Contains("error: 'tier' already has a value (a), and --overwrite is false", refused);
        Assert.Equal("a", await JsonPathAsync(ns, "cm/cfg", "{.metadata.labels.tier}"));

        Assert.Equal("configmap/cfg labeled\n", await fx.Kubectl.OkAsync("label", "configmap", "cfg", "tier=b", "--overwrite", "-n", ns));
        Assert.Equal("b", await JsonPathAsync(ns, "cm/cfg", "{.metadata.labels.tier}"));

        Assert.Equal("configmap/cfg unlabeled\n", await fx.Kubectl.OkAsync("label", "configmap", "cfg", "tier-", "-n", ns));
        Assert.Equal("", await JsonPathAsync(ns, "cm/cfg", "{.metadata.labels}"));
    }

    [Fact]
    public async Task An_invalid_label_value_is_refused_by_kubectl_and_by_the_server()
    {
        var ns = await fx.NewNamespaceAsync("label-bad");
        await fx.Kubectl.OkAsync("create", "configmap", "cfg", "--from-literal=a=1", "-n", ns);

        Assert.Contains("error: invalid label value: \"tier=-bad-\"", await fx.Kubectl.FailAsync("label", "configmap", "cfg", "tier=-bad-", "-n", ns));

        // kubectl checks label syntax itself; a patch gets the same value to the server.
        var output = await fx.Kubectl.FailAsync("patch", "configmap", "cfg", "-n", ns, "--type=merge", "-p", "{\"metadata\":{\"labels\":{\"tier\":\"-bad-\"}}}");
        Assert.Contains("The ConfigMap \"cfg\" is invalid: metadata.labels: Invalid value: \"-bad-\": a valid label must be an empty string or consist of alphanumeric characters", output);
    }

    [Fact]
    public async Task Annotate_adds_overwrites_and_removes_an_annotation()
    {
        var ns = await fx.NewNamespaceAsync("annotate");
        await fx.Kubectl.OkAsync("create", "configmap", "cfg", "--from-literal=a=1", "-n", ns);

        Assert.Equal("configmap/cfg annotated\n", await fx.Kubectl.OkAsync("annotate", "configmap", "cfg", "note=hello world", "-n", ns));
        Assert.Equal("hello world", await JsonPathAsync(ns, "cm/cfg", "{.metadata.annotations.note}"));

        Assert.Contains("--overwrite is false", await fx.Kubectl.FailAsync("annotate", "configmap", "cfg", "note=again", "-n", ns));
        Assert.Equal("configmap/cfg annotated\n", await fx.Kubectl.OkAsync("annotate", "configmap", "cfg", "note=again", "--overwrite", "-n", ns));
        Assert.Equal("again", await JsonPathAsync(ns, "cm/cfg", "{.metadata.annotations.note}"));

        Assert.Equal("configmap/cfg annotated\n", await fx.Kubectl.OkAsync("annotate", "configmap", "cfg", "note-", "-n", ns));
        Assert.Equal("", await JsonPathAsync(ns, "cm/cfg", "{.metadata.annotations}"));
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name()
    {
        var ns = await fx.NewNamespaceAsync("patch-smp");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--port=80", "-n", ns);

        var output = await fx.Kubectl.OkAsync("patch", "deployment", "web", "-n", ns, "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox:1.36\"}]}}}}");
        Assert.Equal("deployment.apps/web patched\n", output);
        // Upstream's merge order: items only in the patch come before items only on the server.
        Assert.Equal("sidecar=busybox:1.36 nginx=nginx:1.25 ",
            await JsonPathAsync(ns, "deploy/web", "{range .spec.template.spec.containers[*]}{.name}={.image} {end}"));

        await fx.Kubectl.OkAsync("patch", "deployment", "web", "-n", ns, "--type=strategic", "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.27\"}]}}}}");
        Assert.Equal("sidecar=busybox:1.36: nginx=nginx:1.27:80 ",
            await JsonPathAsync(ns, "deploy/web", "{range .spec.template.spec.containers[*]}{.name}={.image}:{.ports[0].containerPort} {end}"));

        await fx.Kubectl.OkAsync("patch", "deployment", "web", "-n", ns, "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"$patch\":\"delete\"}]}}}}");
        Assert.Equal("nginx ", await JsonPathAsync(ns, "deploy/web", "{range .spec.template.spec.containers[*]}{.name} {end}"));
    }

    [Fact]
    public async Task Merge_patch_replaces_lists_and_deletes_keys_set_to_null()
    {
        var ns = await fx.NewNamespaceAsync("patch-merge");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "-n", ns);
        await fx.Kubectl.OkAsync("create", "configmap", "cfg", "--from-literal=a=1", "--from-literal=b=2", "-n", ns);

        Assert.Equal("deployment.apps/web patched\n", await fx.Kubectl.OkAsync("patch", "deployment", "web", "-n", ns, "--type=merge", "-p",
            "{\"spec\":{\"replicas\":7,\"template\":{\"spec\":{\"containers\":[{\"name\":\"only\",\"image\":\"busybox:1.36\"}]}}}}"));
        Assert.Equal("7 only=busybox:1.36 ",
            await JsonPathAsync(ns, "deploy/web", "{.spec.replicas} {range .spec.template.spec.containers[*]}{.name}={.image} {end}"));

        await fx.Kubectl.OkAsync("patch", "configmap", "cfg", "-n", ns, "--type=merge", "-p", "{\"data\":{\"a\":null,\"c\":\"3\"}}");
        Assert.Equal("{\"b\":\"2\",\"c\":\"3\"}", await JsonPathAsync(ns, "cm/cfg", "{.data}"));
    }

    [Fact]
    public async Task Json_patch_applies_operations_in_order()
    {
        var ns = await fx.NewNamespaceAsync("patch-json");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--replicas=3", "-n", ns);

        var output = await fx.Kubectl.OkAsync("patch", "deployment", "web", "-n", ns, "--type=json", "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2},{\"op\":\"add\",\"path\":\"/metadata/labels/patched\",\"value\":\"json\"},{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"nginx:1.26\"}]");

        Assert.Equal("deployment.apps/web patched\n", output);
        Assert.Equal("2 json nginx:1.26", await JsonPathAsync(ns, "deploy/web", "{.spec.replicas} {.metadata.labels.patched} {.spec.template.spec.containers[0].image}"));
    }

    [Fact]
    public async Task Json_patch_with_a_failing_test_operation_changes_nothing()
    {
        var ns = await fx.NewNamespaceAsync("patch-json-test");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--replicas=3", "-n", ns);

        await fx.Kubectl.FailAsync("patch", "deployment", "web", "-n", ns, "--type=json", "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":9},{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":4}]");

        Assert.Equal("3", await JsonPathAsync(ns, "deploy/web", "{.spec.replicas}"));
    }

    [Fact]
    public async Task Patch_that_changes_nothing_reports_no_change()
    {
        var ns = await fx.NewNamespaceAsync("patch-noop");
        await fx.Kubectl.OkAsync("create", "configmap", "cfg", "--from-literal=a=1", "-n", ns);
        var before = await JsonPathAsync(ns, "cm/cfg", "{.metadata.resourceVersion}");

        var output = await fx.Kubectl.OkAsync("patch", "configmap", "cfg", "-n", ns, "--type=merge", "-p", "{\"data\":{\"a\":\"1\"}}");

        Assert.Equal("configmap/cfg patched (no change)\n", output);
        Assert.Equal(before, await JsonPathAsync(ns, "cm/cfg", "{.metadata.resourceVersion}"));
    }

    [Fact]
    public async Task Patch_that_makes_the_object_invalid_is_rejected()
    {
        var ns = await fx.NewNamespaceAsync("patch-invalid");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "-n", ns);

        var output = await fx.Kubectl.FailAsync("patch", "deployment", "web", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"replicas\":-1}}");

        Assert.Contains("The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", output);
    }
}
