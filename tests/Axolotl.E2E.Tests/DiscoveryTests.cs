using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>`kubectl version`, `api-resources` and `explain`: what kubectl learns from /version, discovery and OpenAPI.</summary>
[Collection(SharedServerDCollection.Name)]
public sealed class DiscoveryTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Version_reports_a_v1_32_server()
    {
        var output = await fx.Kubectl.OkAsync("version");

        Assert.Contains("Client Version: v1.32", output);
        Assert.Matches(@"(?m)^Server Version: v1\.32\.\d+", output);
        Assert.DoesNotContain("WARNING", output);
    }

    [Fact]
    public async Task Version_as_json_carries_major_and_minor()
    {
        var output = await fx.Kubectl.OkAsync("version", "-o", "json");

        Assert.Contains("\"serverVersion\"", output);
        Assert.Contains("\"major\": \"1\"", output);
        Assert.Contains("\"minor\": \"32\"", output);
    }

    [Fact]
    public async Task Api_resources_lists_core_and_apps_kinds_with_short_names_and_scope()
    {
        var output = await fx.Kubectl.OkAsync("api-resources");

        Assert.Equal(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"], TableText.Header(output));
        Assert.Equal(["pods", "po", "v1", "true", "Pod"], TableText.Row(output, "pods"));
        Assert.Equal(["deployments", "deploy", "apps/v1", "true", "Deployment"], TableText.Row(output, "deployments"));
        Assert.Equal(["namespaces", "ns", "v1", "false", "Namespace"], TableText.Row(output, "namespaces"));
        Assert.Equal(["configmaps", "cm", "v1", "true", "ConfigMap"], TableText.Row(output, "configmaps"));
        Assert.Equal(["services", "svc", "v1", "true", "Service"], TableText.Row(output, "services"));
        // Subresources (pods/log, deployments/scale) are never rows of their own.
        Assert.DoesNotContain(TableText.Keys(output), name => name.Contains('/', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_resources_wide_shows_verbs_and_categories()
    {
        var output = await fx.Kubectl.OkAsync("api-resources", "-o", "wide");

        Assert.Equal(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"], TableText.Header(output));
        var pods = TableText.Row(output, "pods");
        Assert.Equal("create,delete,deletecollection,get,list,patch,update,watch", pods[5]);
        Assert.Equal("all", pods[6]);
        Assert.Equal("create,delete,deletecollection,get,list,patch,update,watch", TableText.Row(output, "deployments")[5]);
    }

    [Fact]
    public async Task Api_resources_filters_by_group_and_scope()
    {
        var apps = await fx.Kubectl.OkAsync("api-resources", "--api-group=apps", "-o", "name");
        Assert.Contains("deployments.apps", TableText.Lines(apps));
        Assert.DoesNotContain("pods", TableText.Lines(apps));

        var cluster = await fx.Kubectl.OkAsync("api-resources", "--namespaced=false");
        Assert.Contains("namespaces", TableText.Keys(cluster));
        Assert.Contains("nodes", TableText.Keys(cluster));
        Assert.DoesNotContain("pods", TableText.Keys(cluster));
    }

    [Fact]
    public async Task Explain_pod_spec_containers_prints_the_container_fields()
    {
        var output = await fx.Kubectl.OkAsync("explain", "pod.spec.containers");

        Assert.Matches(@"(?m)^KIND:\s+Pod$", output);
        Assert.Matches(@"(?m)^VERSION:\s+v1$", output);
        Assert.Matches(@"(?m)^FIELD:\s+containers <\[\]Container>", output);
        Assert.Contains("DESCRIPTION:", output);
        Assert.Contains("FIELDS:", output);
        Assert.Matches(@"(?m)^\s+image\s+<string>", output);
        Assert.Matches(@"(?m)^\s+name\s+<string> -required-", output);
        Assert.Matches(@"(?m)^\s+ports\s+<\[\]ContainerPort>", output);
        Assert.Matches(@"(?m)^\s+env\s+<\[\]EnvVar>", output);
    }

    [Fact]
    public async Task Explain_deployment_spec_strategy_prints_type_and_rolling_update()
    {
        var output = await fx.Kubectl.OkAsync("explain", "deployment.spec.strategy");

        Assert.Matches(@"(?m)^GROUP:\s+apps$", output);
        Assert.Matches(@"(?m)^KIND:\s+Deployment$", output);
        Assert.Matches(@"(?m)^VERSION:\s+v1$", output);
        Assert.Matches(@"(?m)^FIELD:\s+strategy <DeploymentStrategy>", output);
        Assert.Matches(@"(?m)^\s+rollingUpdate\s+<RollingUpdateDeployment>", output);
        Assert.Matches(@"(?m)^\s+type\s+<string>", output);
    }

    [Fact]
    public async Task Explain_of_an_unknown_field_fails()
    {
        var output = await fx.Kubectl.FailAsync("explain", "pod.spec.nosuchfield");

        Assert.Contains("field \"nosuchfield\" does not exist", output);
    }
}
