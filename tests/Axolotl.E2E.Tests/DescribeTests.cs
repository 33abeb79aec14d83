using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>`kubectl describe` of a deployment, a configmap and a namespace.</summary>
[Collection(SharedServerBCollection.Name)]
public sealed class DescribeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Describe_deployment_prints_its_spec_template_and_rollout()
    {
        var ns = await fx.NewNamespaceAsync("describe-deploy");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "--replicas=3", "--port=80", "-n", ns);
        await fx.Kubectl.OkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=60s");

        var output = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "deployment", "web", "-n", ns),
            o => o.Contains("ScalingReplicaSet"), "the scaling event", TimeSpan.FromSeconds(30));

        Assert.Matches(@"(?m)^Name:\s+web$", output);
        Assert.Matches($@"(?m)^Namespace:\s+{ns}$", output);
        Assert.Matches(@"(?m)^CreationTimestamp:\s+\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$", output);
        Assert.Matches(@"(?m)^Labels:\s+app=web$", output);
        Assert.Matches(@"(?m)^Annotations:\s+", output);
        Assert.Matches(@"(?m)^Selector:\s+app=web$", output);
        Assert.Matches(@"(?m)^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$", output);
        Assert.Matches(@"(?m)^StrategyType:\s+RollingUpdate$", output);
        Assert.Matches(@"(?m)^MinReadySeconds:\s+0$", output);
        Assert.Matches(@"(?m)^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$", output);
        Assert.Matches(@"(?m)^Pod Template:$", output);
        Assert.Matches(@"(?m)^   nginx:$", output);
        Assert.Matches(@"(?m)^    Image:\s+nginx:1.25$", output);
        Assert.Matches(@"(?m)^    Port:\s+80/TCP$", output);
        Assert.Matches(@"(?m)^NewReplicaSet:\s+web-[a-z0-9]{8,10} \(3/3 replicas created\)$", output);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+.*\s+deployment-controller\s+Scaled up replica set web-[a-z0-9]+ from 0 to 3", output);
    }

    [Fact]
    public async Task Describe_configmap_prints_its_data_and_no_events()
    {
        var ns = await fx.NewNamespaceAsync("describe-cm");
        await fx.Kubectl.OkAsync("create", "configmap", "settings", "--from-literal=color=blue", "-n", ns);
        await fx.Kubectl.OkAsync("label", "configmap", "settings", "team=core", "-n", ns);

        var output = await fx.Kubectl.OkAsync("describe", "configmap", "settings", "-n", ns);

        Assert.Matches(@"(?m)^Name:\s+settings$", output);
        Assert.Matches($@"(?m)^Namespace:\s+{ns}$", output);
        Assert.Matches(@"(?m)^Labels:\s+team=core$", output);
        Assert.Matches(@"(?m)^Annotations:\s+<none>$", output);
        Assert.Contains("Data\n====\ncolor:\n----\nblue\n", output);
        Assert.Contains("BinaryData\n====\n", output);
        Assert.Matches(@"(?m)^Events:\s+<none>$", output);
    }

    [Fact]
    public async Task Describe_namespace_prints_status_quota_and_limit_range()
    {
        var ns = await fx.NewNamespaceAsync("describe-ns");

        var output = await fx.Kubectl.OkAsync("describe", "namespace", ns);

        Assert.Matches($@"(?m)^Name:\s+{ns}$", output);
        Assert.Matches($@"(?m)^Labels:\s+kubernetes.io/metadata.name={ns}$", output);
        Assert.Matches(@"(?m)^Annotations:\s+<none>$", output);
        Assert.Matches(@"(?m)^Status:\s+Active$", output);
        Assert.Contains("No resource quota.", output);
        Assert.Contains("No LimitRange resource.", output);
    }

    [Fact]
    public async Task Describe_by_label_selector_describes_every_match()
    {
        var ns = await fx.NewNamespaceAsync("describe-many");
        await fx.Kubectl.OkAsync("create", "configmap", "one", "--from-literal=a=1", "-n", ns);
        await fx.Kubectl.OkAsync("create", "configmap", "two", "--from-literal=a=1", "-n", ns);
        await fx.Kubectl.OkAsync("label", "configmap", "one", "two", "pick=yes", "-n", ns);

        var output = await fx.Kubectl.OkAsync("describe", "configmaps", "-l", "pick=yes", "-n", ns);

        Assert.Matches(@"(?m)^Name:\s+one$", output);
        Assert.Matches(@"(?m)^Name:\s+two$", output);
    }

    [Fact]
    public async Task Describe_of_a_missing_object_is_not_found()
    {
        var ns = await fx.NewNamespaceAsync("describe-missing");

        var output = await fx.Kubectl.FailAsync("describe", "configmap", "ghost", "-n", ns);

        Assert.Contains("Error from server (NotFound): configmaps \"ghost\" not found", output);
    }
}
