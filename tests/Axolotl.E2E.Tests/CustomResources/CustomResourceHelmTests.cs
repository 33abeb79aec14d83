using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using Axolotl.E2E.Tests.Helm;

namespace Axolotl.E2E.Tests.CustomResources;

/// <summary>
/// Helm 3.17 installing a chart with a crds/ folder and a custom resource in its templates: Helm creates
/// the CRD, waits for discovery to list it, then maps the template's kind through that discovery.
/// </summary>
// Never in the collection of CustomResourceKubectlTests or ApiServiceTests: each defines a kind Widget, and kubectl's bare "widget" would find another group's.
[Collection(SharedServerDCollection.Name)]
public sealed class CustomResourceHelmTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private readonly HelmCli _helm = new(fx.Server);

    [Fact]
    public async Task A_chart_with_a_crds_folder_installs_its_CRD_and_a_custom_resource_and_uninstalls_the_resource()
    {
        const string group = "helm.example.com";
        var ns = await fx.NewNamespaceAsync("helm-crd");
        var chart = TestCharts.WithCrd(fx.WorkDir, CustomResourceKubectlTests.Definition(group),
            $"apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: {{{{ .Release.Name }}}}-widget\nspec:\n  size: large\n");

        await _helm.OkAsync("install", "crd", chart, "-n", ns, "--wait", "--timeout", "60s");

        Assert.Equal("True", await fx.Kubectl.OkAsync("get", "crd", $"widgets.{group}", "-o", "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"));
        Assert.Equal("large/1", await fx.Kubectl.OkAsync("get", "widget", "crd-widget", "-n", ns, "-o", "jsonpath={.spec.size}/{.spec.replicas}"));

        await _helm.OkAsync("uninstall", "crd", "-n", ns, "--wait", "--timeout", "60s");
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "widgets", "-n", ns, "-o", "name"));
        // Helm never deletes what crds/ installed.
        Assert.Equal($"customresourcedefinition.apiextensions.k8s.io/widgets.{group}", (await fx.Kubectl.OkAsync("get", "crd", $"widgets.{group}", "-o", "name")).Trim());
    }
}
