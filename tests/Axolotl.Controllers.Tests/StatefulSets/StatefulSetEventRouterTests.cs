using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.StatefulSets;
using Axolotl.Controllers.Tests.ReplicaSets;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.StatefulSets;

public sealed class StatefulSetEventRouterTests
{
    private readonly FakeCache<StatefulSet> _sets = new();
    private readonly List<ObjectKey> _queued = [];
    private readonly StatefulSetEventRouter _router;
    private readonly StatefulSet _web;

    public StatefulSetEventRouterTests()
    {
        _web = new StatefulSet
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "ns", Uid = "uid-web" },
            Spec = new StatefulSetSpec
            {
                Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
                VolumeClaimTemplates = [new PersistentVolumeClaim { Metadata = new ObjectMeta { Name = "data" } }],
            },
        };
        _sets.Put(_web);
        _sets.Put(new StatefulSet { Metadata = new ObjectMeta { Name = "db", Namespace = "ns", Uid = "uid-db" }, Spec = new StatefulSetSpec { Selector = new LabelSelector { MatchLabels = new() { ["app"] = "db" } } } });
        _router = new StatefulSetEventRouter(_sets, _queued.Add);
    }

    [Fact]
    public void A_pod_wakes_the_StatefulSet_that_controls_it()
    {
        _router.PodChanged(Pod("web-0", new() { ["app"] = "other" }, owner: "uid-web"));
        Assert.Equal([new ObjectKey("ns", "web")], _queued);
    }

    [Fact]
    public void An_orphan_wakes_every_StatefulSet_that_selects_it_and_a_foreign_controlled_pod_none()
    {
        _router.PodChanged(Pod("web-0", new() { ["app"] = "web" }, owner: null));
        Assert.Equal([new ObjectKey("ns", "web")], _queued);
        _queued.Clear();
        _router.PodChanged(Pod("x", new() { ["app"] = "web" }, owner: "uid-someone-else"));
        Assert.Empty(_queued);
    }

    [Fact]
    public void A_claim_of_a_template_wakes_its_StatefulSet()
    {
        _router.ClaimChanged(new PersistentVolumeClaim { Metadata = new ObjectMeta { Name = "data-web-3", Namespace = "ns" } });
        Assert.Equal([new ObjectKey("ns", "web")], _queued);
        _queued.Clear();
        _router.ClaimChanged(new PersistentVolumeClaim { Metadata = new ObjectMeta { Name = "logs-web-3", Namespace = "ns" } });
        Assert.Empty(_queued);
    }

    private static Pod Pod(string name, Dictionary<string, string> labels, string? owner)
    {
        var pod = PodBuilder.Named(name, "ns").WithLabels(labels);
        return (owner is null ? pod : pod.ControlledBy("apps/v1", "StatefulSet", owner == "uid-web" ? "web" : "other", owner)).Build();
    }
}
