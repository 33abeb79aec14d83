using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>`--dry-run=server`: the server runs admission and validation but stores nothing.</summary>
[Collection(SharedServerECollection.Name)]
public sealed class DryRunTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static string ConfigMap(string name, string value) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  value: {value}\n";

    [Fact]
    public async Task Apply_with_server_dry_run_creates_nothing()
    {
        var ns = await fx.NewNamespaceAsync("dry-apply");

        var output = await fx.Kubectl.OkWithInputAsync(ConfigMap("dry", "one"), "apply", "--dry-run=server", "-n", ns, "-f", "-");

        Assert.Equal("configmap/dry created (server dry run)\n", output);
        Assert.Contains("Error from server (NotFound): configmaps \"dry\" not found", await fx.Kubectl.FailAsync("get", "configmap", "dry", "-n", ns));
    }

    [Fact]
    public async Task Apply_with_server_dry_run_of_a_change_leaves_the_stored_object_alone()
    {
        var ns = await fx.NewNamespaceAsync("dry-apply-change");
        await fx.Kubectl.OkWithInputAsync(ConfigMap("kept", "one"), "apply", "-n", ns, "-f", "-");
        var version = await fx.Kubectl.OkAsync("get", "cm", "kept", "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}");

        var output = await fx.Kubectl.OkWithInputAsync(ConfigMap("kept", "two"), "apply", "--dry-run=server", "-n", ns, "-f", "-");

        Assert.Equal("configmap/kept configured (server dry run)\n", output);
        Assert.Equal($"one {version}", await fx.Kubectl.OkAsync("get", "cm", "kept", "-n", ns, "-o", "jsonpath={.data.value} {.metadata.resourceVersion}"));
    }

    [Fact]
    public async Task Create_with_server_dry_run_returns_the_object_but_stores_nothing()
    {
        var ns = await fx.NewNamespaceAsync("dry-create");

        var output = await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--dry-run=server", "-n", ns);
        Assert.Equal("deployment.apps/web created (server dry run)\n", output);

        var file = fx.WriteFile("cm.yaml", ConfigMap("from-file", "x"));
        Assert.Equal("configmap/from-file created (server dry run)\n", await fx.Kubectl.OkAsync("create", "--dry-run=server", "-n", ns, "-f", file));

        var yaml = await fx.Kubectl.OkAsync("create", "configmap", "shown", "--from-literal=a=b", "--dry-run=server", "-n", ns, "-o", "yaml");
        Assert.Contains("name: shown", yaml);
        Assert.Matches(@"(?m)^  creationTimestamp: ""\d{4}-", yaml);

        Assert.Equal("", await fx.Kubectl.OkAsync("get", "deployments", "-n", ns, "-o", "name"));
        var left = await fx.Kubectl.OkAsync("get", "configmaps", "-n", ns, "-o", "name");
        Assert.DoesNotContain("from-file", left);
        Assert.DoesNotContain("shown", left);
    }

    [Fact]
    public async Task Server_dry_run_still_validates()
    {
        var ns = await fx.NewNamespaceAsync("dry-invalid");

        var output = await fx.Kubectl.FailAsync("create", "configmap", "Bad_Name", "--from-literal=a=b", "--dry-run=server", "-n", ns);

        Assert.Contains("Invalid value: \"Bad_Name\"", output);
    }

    [Fact]
    public async Task Delete_with_server_dry_run_keeps_the_object()
    {
        var ns = await fx.NewNamespaceAsync("dry-delete");
        await fx.Kubectl.OkAsync("create", "configmap", "survivor", "--from-literal=a=b", "-n", ns);

        var output = await fx.Kubectl.OkAsync("delete", "configmap", "survivor", "--dry-run=server", "-n", ns);

        Assert.Equal("configmap \"survivor\" deleted (server dry run)\n", output);
        Assert.Equal("configmap/survivor\n", await fx.Kubectl.OkAsync("get", "configmap", "survivor", "-n", ns, "-o", "name"));
    }

    [Fact]
    public async Task Scale_and_label_with_server_dry_run_change_nothing()
    {
        var ns = await fx.NewNamespaceAsync("dry-mutate");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2", "-n", ns);

        Assert.Equal("deployment.apps/web scaled (server dry run)\n", await fx.Kubectl.OkAsync("scale", "deployment", "web", "--replicas=9", "--dry-run=server", "-n", ns));
        Assert.Equal("deployment.apps/web labeled (server dry run)\n", await fx.Kubectl.OkAsync("label", "deployment", "web", "x=y", "--dry-run=server", "-n", ns));

        Assert.Equal("2|", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}|{.metadata.labels.x}"));
    }
}
