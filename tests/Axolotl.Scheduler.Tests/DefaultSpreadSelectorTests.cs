using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Tests;

/// <summary>The set a pod's default spread constraints count, as kube-scheduler's DefaultSelector builds it.</summary>
public sealed class DefaultSpreadSelectorTests
{
    private static Service Selecting(string ns, Dictionary<string, string>? selector) =>
        new() { Metadata = new ObjectMeta { Name = "svc", Namespace = ns }, Spec = new ServiceSpec { Selector = selector } };

    private static Pod Owned(Pod pod, string apiVersion, string kind, string name)
    {
        pod.Metadata.OwnerReferences = [new OwnerReference { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = "u-" + name, Controller = true }];
        return pod;
    }

    [Fact]
    public void The_selectors_of_the_services_that_select_the_pod_are_merged_and_others_left_out()
    {
        IReadOnlyList<Service> services =
        [
            Selecting("default", new() { ["app"] = "web" }),
            Selecting("default", new() { ["tier"] = "front" }),
            Selecting("default", new() { ["app"] = "db" }),
            Selecting("default", null),
        ];
        var selectors = new DefaultSpreadSelector(ns => ns == "default" ? services : [], (_, _) => null, (_, _) => null, (_, _) => null);
        var pod = Build.Pod("p").Labeled("app", "web").Labeled("tier", "front");

        Assert.Equal("app=web,tier=front", selectors.For(pod).ToString());
    }

    [Fact]
    public void A_replica_set_or_stateful_set_adds_its_selector_and_a_replication_controller_its_labels()
    {
        var selectors = new DefaultSpreadSelector(_ => [],
            (_, name) => name == "rc" ? new ReplicationController { Spec = new ReplicationControllerSpec { Selector = new() { ["run"] = "old" } } } : null,
            (_, name) => name == "rs" ? new ReplicaSet { Spec = new ReplicaSetSpec { Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web", ["pod-template-hash"] = "abc" } } } } : null,
            (_, name) => name == "db" ? new StatefulSet { Spec = new StatefulSetSpec { Selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "app", Operator = "In", Values = ["db"] }] } } } : null);

        Assert.Equal("run=old", selectors.For(Owned(Build.Pod("a"), "v1", "ReplicationController", "rc")).ToString());
        Assert.Equal("app=web,pod-template-hash=abc", selectors.For(Owned(Build.Pod("b"), "apps/v1", "ReplicaSet", "rs")).ToString());
        Assert.Equal("app in (db)", selectors.For(Owned(Build.Pod("c"), "apps/v1", "StatefulSet", "db")).ToString());
    }

    [Fact]
    public void A_bare_pod_a_jobs_pod_and_a_missing_controller_get_an_empty_selector()
    {
        var selectors = new DefaultSpreadSelector(_ => [], (_, _) => null, (_, _) => null, (_, _) => null);

        Assert.True(selectors.For(Build.Pod("bare").Labeled("app", "web")).IsEmpty);
        Assert.True(selectors.For(Owned(Build.Pod("job"), "batch/v1", "Job", "j")).IsEmpty);
        Assert.True(selectors.For(Owned(Build.Pod("gone"), "apps/v1", "ReplicaSet", "deleted")).IsEmpty);
    }
}
