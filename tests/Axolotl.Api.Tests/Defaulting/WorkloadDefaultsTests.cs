using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Defaulting;

public sealed class WorkloadDefaultsTests
{
    private const string Template = """{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}""";

    [Fact]
    public void Deployments_get_one_replica_a_rolling_update_of_25_percent_and_history_and_deadline_limits()
    {
        var deployment = KubeJson.Deserialize<Deployment>($$$"""{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{{{Template}}}}}""")!;
        ObjectDefaulter.Apply(deployment);
        var spec = deployment.Spec!;
        Assert.Equal(1, spec.Replicas);
        Assert.Equal("RollingUpdate", spec.Strategy!.Type);
        Assert.Equal("25%", spec.Strategy.RollingUpdate!.MaxSurge!.Value.StringValue);
        Assert.Equal("25%", spec.Strategy.RollingUpdate.MaxUnavailable!.Value.StringValue);
        Assert.Equal(10, spec.RevisionHistoryLimit);
        Assert.Equal(600, spec.ProgressDeadlineSeconds);
    }

    [Fact]
    public void Templates_get_pod_spec_defaults_but_not_the_pod_only_ones()
    {
        var deployment = KubeJson.Deserialize<Deployment>($$$"""{"metadata":{"name":"d"},"spec":{"template":{{{Template}}}}}""")!;
        ObjectDefaulter.Apply(deployment);
        var podSpec = deployment.Spec!.Template.Spec;
        Assert.Equal("Always", podSpec.RestartPolicy);
        Assert.Equal(30, podSpec.TerminationGracePeriodSeconds);
        Assert.Equal("Always", podSpec.Containers[0].ImagePullPolicy);
        Assert.Null(podSpec.EnableServiceLinks);
        Assert.Null(podSpec.Priority);
    }

    [Fact]
    public void A_recreate_deployment_gets_no_rolling_update_budgets()
    {
        var deployment = KubeJson.Deserialize<Deployment>($$$"""{"metadata":{"name":"d"},"spec":{"strategy":{"type":"Recreate"},"template":{{{Template}}}}}""")!;
        ObjectDefaulter.Apply(deployment);
        Assert.Null(deployment.Spec!.Strategy!.RollingUpdate);
    }

    [Fact]
    public void Replica_sets_default_to_one_replica()
    {
        var replicaSet = KubeJson.Deserialize<ReplicaSet>($$$"""{"metadata":{"name":"r"},"spec":{"template":{{{Template}}}}}""")!;
        ObjectDefaulter.Apply(replicaSet);
        Assert.Equal(1, replicaSet.Spec!.Replicas);
    }

    [Fact]
    public void Daemon_sets_roll_one_node_at_a_time_without_surge()
    {
        var daemonSet = KubeJson.Deserialize<DaemonSet>($$$"""{"metadata":{"name":"ds"},"spec":{"template":{{{Template}}}}}""")!;
        ObjectDefaulter.Apply(daemonSet);
        var strategy = daemonSet.Spec!.UpdateStrategy!;
        Assert.Equal("RollingUpdate", strategy.Type);
        Assert.Equal(IntOrString.FromInt(1), strategy.RollingUpdate!.MaxUnavailable);
        Assert.Equal(IntOrString.FromInt(0), strategy.RollingUpdate.MaxSurge);
        Assert.Equal(10, daemonSet.Spec.RevisionHistoryLimit);
    }

    [Fact]
    public void Replication_controllers_take_selector_and_labels_from_the_template()
    {
        var controller = KubeJson.Deserialize<ReplicationController>($$$"""{"metadata":{"name":"rc"},"spec":{"template":{{{Template}}}}}""")!;
        ObjectDefaulter.Apply(controller);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, controller.Spec!.Selector);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, controller.Metadata.Labels);
        Assert.Equal(1, controller.Spec.Replicas);
    }

    [Fact]
    public void Replication_controllers_keep_an_explicit_selector_and_labels()
    {
        var controller = KubeJson.Deserialize<ReplicationController>($$$"""{"metadata":{"name":"rc","labels":{"own":"x"}},"spec":{"selector":{"app":"web"},"template":{{{Template}}}}}""")!;
        ObjectDefaulter.Apply(controller);
        Assert.Equal("x", controller.Metadata.Labels!["own"]);
        Assert.Single(controller.Spec!.Selector!);
    }

    [Fact]
    public void Workload_defaulting_is_idempotent()
    {
        var deployment = KubeJson.Deserialize<Deployment>(Kinds.Manifests.Deployment)!;
        deployment.Spec!.Strategy = null;
        ObjectDefaulter.Apply(deployment);
        var once = KubeJson.Serialize(deployment);
        ObjectDefaulter.Apply(deployment);
        Assert.Equal(once, KubeJson.Serialize(deployment));
    }
}
