using Axolotl.Api.Core;
using Axolotl.ApiServer.Admission.Quota;
using static Axolotl.ApiServer.Tests.Quota.QuotaTestObjects;

namespace Axolotl.ApiServer.Tests.Quota;

public sealed class PodQuotaEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly PodQuotaEvaluator _pods = PodQuotaEvaluator.Instance;

    [Fact]
    public void A_running_pod_uses_one_pod_and_the_sum_of_its_containers_requests_and_limits()
    {
        var pod = Pod(
            Container("a", List(("cpu", "100m"), ("memory", "64Mi")), List(("cpu", "200m"))),
            Container("b", List(("cpu", "250m"), ("memory", "64Mi")), List(("cpu", "1"))));
        var usage = _pods.Usage(pod, Now);
        Assert.Equal("pods=1", ResourceLists.PrettyPrint(ResourceLists.Mask(usage, ["pods"])));
        Assert.Equal("350m", usage["requests.cpu"].ToString());
        Assert.Equal("350m", usage["cpu"].ToString());
        Assert.Equal("128Mi", usage["requests.memory"].ToString());
        Assert.Equal("1200m", usage["limits.cpu"].ToString());
        Assert.False(usage.ContainsKey("limits.memory"));
        Assert.Equal("1", usage["count/pods"].ToString());
    }

    [Fact]
    public void An_init_container_larger_than_the_app_containers_sets_the_pod_request()
    {
        var pod = Pod(Container("app", List(("cpu", "100m"))));
        pod.Spec!.InitContainers = [Container("setup", List(("cpu", "500m")))];
        Assert.Equal("500m", _pods.Usage(pod, Now)["requests.cpu"].ToString());
    }

    [Fact]
    public void A_sidecar_init_container_adds_to_the_app_containers()
    {
        var pod = Pod(Container("app", List(("cpu", "100m"))));
        var sidecar = Container("proxy", List(("cpu", "50m")));
        sidecar.RestartPolicy = "Always";
        pod.Spec!.InitContainers = [sidecar];
        Assert.Equal("150m", _pods.Usage(pod, Now)["requests.cpu"].ToString());
    }

    [Theory]
    [InlineData("Succeeded")]
    [InlineData("Failed")]
    public void A_finished_pod_counts_only_as_a_stored_object(string phase)
    {
        var pod = Pod(Container("a", List(("cpu", "1"))));
        pod.Status = new PodStatus { Phase = phase };
        Assert.Equal("count/pods=1", ResourceLists.PrettyPrint(_pods.Usage(pod, Now)));
    }

    [Fact]
    public void A_pod_past_its_deletion_grace_period_is_no_longer_charged()
    {
        var pod = Pod(Container("a"));
        pod.Metadata.DeletionTimestamp = Now.AddSeconds(-31);
        pod.Metadata.DeletionGracePeriodSeconds = 30;
        Assert.False(_pods.Usage(pod, Now).ContainsKey("pods"));
        pod.Metadata.DeletionTimestamp = Now.AddSeconds(-5);
        Assert.True(_pods.Usage(pod, Now).ContainsKey("pods"));
    }

    [Fact]
    public void Missing_cpu_and_memory_are_listed_per_resource_with_sorted_container_names()
    {
        var pod = Pod(Container("web"), Container("app", List(("cpu", "100m"))));
        var problem = _pods.Constraints(["pods", "limits.cpu", "limits.memory", "requests.cpu"], pod);
        Assert.Equal("must specify limits.cpu for: app,web; limits.memory for: app,web; requests.cpu for: web", problem);
    }

    [Fact]
    public void A_quota_on_pods_only_requires_nothing_of_the_containers()
    {
        Assert.Null(_pods.Constraints(["pods", "count/pods"], Pod(Container("web"))));
    }

    [Fact]
    public void Scopes_follow_the_active_deadline_the_qos_class_and_the_priority_class()
    {
        var bestEffort = Pod(Container("a"));
        var burstable = Pod(Container("a", List(("cpu", "100m"))));
        burstable.Spec!.ActiveDeadlineSeconds = 60;
        burstable.Spec.PriorityClassName = "high";
        ScopedResourceSelectorRequirement Scope(string name, string op = "Exists", params string[] values) =>
            new() { ScopeName = name, Operator = op, Values = [.. values] };

        Assert.True(_pods.MatchesScope(Scope("BestEffort"), bestEffort));
        Assert.False(_pods.MatchesScope(Scope("BestEffort"), burstable));
        Assert.True(_pods.MatchesScope(Scope("NotBestEffort"), burstable));
        Assert.True(_pods.MatchesScope(Scope("Terminating"), burstable));
        Assert.True(_pods.MatchesScope(Scope("NotTerminating"), bestEffort));
        Assert.True(_pods.MatchesScope(Scope("PriorityClass", "In", "high", "low"), burstable));
        Assert.False(_pods.MatchesScope(Scope("PriorityClass", "In", "high"), bestEffort));
        Assert.True(_pods.MatchesScope(Scope("PriorityClass", "NotIn", "high"), bestEffort));
        Assert.True(_pods.MatchesScope(Scope("PriorityClass", "DoesNotExist"), bestEffort));
    }

    [Fact]
    public void The_pod_evaluator_tracks_pod_resources_and_leaves_other_counts_alone()
    {
        Assert.Equal(["pods", "requests.cpu", "requests.example.com/gpu", "hugepages-2Mi"],
            _pods.MatchingResources(["pods", "requests.cpu", "services", "count/deployments.apps", "requests.example.com/gpu", "hugepages-2Mi"]));
    }
}
