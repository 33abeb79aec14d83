using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.CustomResources;

/// <summary>
/// Custom resources take part in ownership and namespace lifecycle like built-ins: the garbage collector
/// follows ownerReferences both ways (a ConfigMap owned by a Widget, a Widget owned by a ConfigMap) and
/// deleting a namespace deletes the Widgets in it.
/// </summary>
[Collection(SharedServerHCollection.Name)]
public sealed class CustomResourceOwnershipTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    // The collector looks for new resource types every 30 s; allow for that once.
    private static readonly TimeSpan CollectorDeadline = TimeSpan.FromSeconds(90);

    private static string Owned(string kind, string apiVersion, string name, string ownerApiVersion, string ownerKind, string ownerName, string ownerUid, string body) => $$"""
        apiVersion: {{apiVersion}}
        kind: {{kind}}
        metadata:
          name: {{name}}
          ownerReferences:
          - {apiVersion: {{ownerApiVersion}}, kind: {{ownerKind}}, name: {{ownerName}}, uid: {{ownerUid}}}
        {{body}}
        """;

    [Fact]
    public async Task The_garbage_collector_and_the_namespace_controller_see_custom_resources()
    {
        const string group = "owners.example.com";
        var ns = await fx.NewNamespaceAsync("crd-own");
        await fx.Kubectl.OkWithInputAsync(CustomResourceKubectlTests.Definition(group), "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/widgets.{group}");

        // Deleting a namespace empties it of custom resources too (the controller asks discovery every pass).
        var doomed = await fx.NewNamespaceAsync("crd-ns");
        await fx.Kubectl.OkWithInputAsync($"apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: w3\nspec: {{size: small}}\n", "apply", "-n", doomed, "-f", "-");
        await fx.Kubectl.OkAsync("delete", "namespace", doomed, "--timeout", "60s");
        Assert.DoesNotContain($"\"namespace\":\"{doomed}\"", await fx.Kubectl.OkAsync("get", "--raw", $"/apis/{group}/v1/widgets"), StringComparison.Ordinal);

        // A ConfigMap owned by a Widget goes with it.
        await fx.Kubectl.OkWithInputAsync($"apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: w1\nspec: {{size: small}}\n", "apply", "-n", ns, "-f", "-");
        var widgetUid = await fx.Kubectl.OkAsync("get", "widget", "w1", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        await fx.Kubectl.OkWithInputAsync(Owned("ConfigMap", "v1", "of-w1", $"{group}/v1", "Widget", "w1", widgetUid, "data: {a: b}"), "apply", "-n", ns, "-f", "-");

        // A Widget owned by a ConfigMap goes with it.
        await fx.Kubectl.OkAsync("create", "configmap", "owner", "-n", ns);
        var configMapUid = await fx.Kubectl.OkAsync("get", "configmap", "owner", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        await fx.Kubectl.OkWithInputAsync(Owned("Widget", $"{group}/v1", "w2", "v1", "ConfigMap", "owner", configMapUid, "spec: {size: large}"), "apply", "-n", ns, "-f", "-");

        await fx.Kubectl.OkAsync("delete", "widget", "w1", "-n", ns);
        await fx.Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns);

        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "configmap", "of-w1", "-n", ns, "--ignore-not-found", "-o", "name"),
            r => r.ExitCode == 0 && r.Stdout.Trim().Length == 0, "the ConfigMap owned by the deleted Widget is collected", CollectorDeadline);
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "widget", "w2", "-n", ns, "--ignore-not-found", "-o", "name"),
            r => r.ExitCode == 0 && r.Stdout.Trim().Length == 0, "the Widget owned by the deleted ConfigMap is collected", CollectorDeadline);
    }
}
