using Axolotl.E2E.Tests.CustomResources;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.ApiRegistration;

/// <summary>
/// apiregistration.k8s.io through the real kubectl: a Local APIService for every built-in group/version (as
/// kube-apiserver lists them), one that comes and goes with a CRD's version, a bad one refused in
/// kube-aggregator's words, and one naming a Service that does not exist (aggregated API servers that answer:
/// <see cref="AggregatedApiServerTests"/>).
/// </summary>
// Never in the collection of CustomResourceKubectlTests or CustomResourceHelmTests: each defines a kind Widget, and kubectl's bare "widget" would find another group's.
[Collection(SharedServerHCollection.Name)]
public sealed class ApiServiceTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    /// <summary>The autoregistration controller runs with the controllers, which start as the server does.</summary>
    private Task<ProcessResult> UntilListedAsync(string name) =>
        Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, $"APIService {name} registered", "get", "apiservice", name);

    [Fact]
    public async Task Get_apiservices_lists_every_built_in_group_version_as_Local_and_Available()
    {
        await UntilListedAsync("v1.apps");

        var output = await fx.Kubectl.OkAsync("get", "apiservices");

        Assert.Equal(["NAME", "SERVICE", "AVAILABLE", "AGE"], TableText.Header(output));
        foreach (var name in new[] { "v1.", "v1.apps", "v1.batch", "v2.autoscaling", "v1.autoscaling", "v1.rbac.authorization.k8s.io", "v1.apiextensions.k8s.io",
                     "v1.admissionregistration.k8s.io", "v1.flowcontrol.apiserver.k8s.io", "v1beta1.metrics.k8s.io" })
        {
            Assert.Equal([name, "Local", "True"], TableText.Row(output, name)[..3]);
        }
        Assert.Contains("apiregistration.k8s.io/v1", TableText.Lines(await fx.Kubectl.OkAsync("api-versions")));
        Assert.Equal(["apiservices", "apiregistration.k8s.io/v1", "false", "APIService"], TableText.Row(await fx.Kubectl.OkAsync("api-resources", "--api-group=apiregistration.k8s.io"), "apiservices"));
    }

    [Fact]
    public async Task Get_apiservice_v1_apps_as_yaml_shows_upstreams_spec_label_and_condition()
    {
        await UntilListedAsync("v1.apps");

        var yaml = await fx.Kubectl.OkAsync("get", "apiservice", "v1.apps", "-o", "yaml");

        Assert.Contains("apiVersion: apiregistration.k8s.io/v1", yaml);
        Assert.Contains("kind: APIService", yaml);
        Assert.Contains("kube-aggregator.kubernetes.io/automanaged: onstart", yaml);
        Assert.Matches(@"(?m)^  group: apps$", yaml);
        Assert.Matches(@"(?m)^  groupPriorityMinimum: 17800$", yaml);
        Assert.Matches(@"(?m)^  version: v1$", yaml);
        Assert.Matches(@"(?m)^  versionPriority: 15$", yaml);
        Assert.DoesNotContain("service:", yaml);
        Assert.Contains("message: Local APIServices are always available", yaml);
        Assert.Contains("reason: Local", yaml);
        Assert.Contains("status: \"True\"", yaml);
        Assert.Contains("type: Available", yaml);
    }

    [Fact]
    public async Task A_CRDs_served_version_gets_an_APIService_that_goes_with_the_CRD()
    {
        const string group = "apisvc.e2e.example.com";
        await fx.Kubectl.OkWithInputAsync(CustomResourceKubectlTests.Definition(group), "apply", "-f", "-");

        await UntilListedAsync($"v1.{group}");
        var row = TableText.Row(await fx.Kubectl.OkAsync("get", "apiservices"), $"v1.{group}");
        Assert.Equal([$"v1.{group}", "Local", "True"], row[..3]);
        Assert.Equal("true", (await fx.Kubectl.OkAsync("get", "apiservice", $"v1.{group}", "-o", "jsonpath={.metadata.labels.kube-aggregator\\.kubernetes\\.io/automanaged}")).Trim());
        Assert.Equal("1000/100", (await fx.Kubectl.OkAsync("get", "apiservice", $"v1.{group}", "-o", "jsonpath={.spec.groupPriorityMinimum}/{.spec.versionPriority}")).Trim());

        await fx.Kubectl.OkAsync("delete", "crd", $"widgets.{group}", "--timeout", "60s");

        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode != 0 && r.Output.Contains("NotFound", StringComparison.Ordinal), $"APIService v1.{group} gone",
            "get", "apiservice", $"v1.{group}");
    }

    [Fact]
    public async Task A_bad_APIService_is_refused_with_kube_aggregators_message()
    {
        var output = await fx.Kubectl.FailWithInputAsync("""
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: v1.wrong.example.com
            spec:
              group: right.example.com
              version: v1
              groupPriorityMinimum: 1000
              versionPriority: 15
            """, "apply", "-f", "-");

        Assert.Contains("The APIService \"v1.wrong.example.com\" is invalid", output);
        Assert.Contains("metadata.name: Invalid value: \"v1.wrong.example.com\": must be `spec.version+\".\"+spec.group`: \"v1.right.example.com\"", output);
    }

    [Fact]
    public async Task An_APIService_whose_Service_is_missing_is_not_Available_and_its_group_answers_service_unavailable()
    {
        var ns = await fx.NewNamespaceAsync("wardle");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: v1alpha1.wardle.e2e.example.com
            spec:
              group: wardle.e2e.example.com
              version: v1alpha1
              groupPriorityMinimum: 1000
              versionPriority: 15
              insecureSkipTLSVerify: true
              service:
                namespace: {{ns}}
                name: api
            """, "apply", "-f", "-");

        await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("False (ServiceNotFound)", StringComparison.Ordinal), "ServiceNotFound",
            "get", "apiservice", "v1alpha1.wardle.e2e.example.com");
        Assert.Equal(["v1alpha1.wardle.e2e.example.com", $"{ns}/api"], TableText.Row(await fx.Kubectl.OkAsync("get", "apiservices"), "v1alpha1.wardle.e2e.example.com")[..2]);
        // kube-aggregator's proxy answers for a group/version that is not Available, in plain text.
        using var http = ApiClient.Create(fx.Server);
        using var response = await http.GetAsync($"/apis/wardle.e2e.example.com/v1alpha1/namespaces/{ns}/flunders");
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("service unavailable\n", await response.Content.ReadAsStringAsync());

        await fx.Kubectl.OkAsync("delete", "apiservice", "v1alpha1.wardle.e2e.example.com");
    }
}
