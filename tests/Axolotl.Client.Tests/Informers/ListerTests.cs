using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client.Informers;

namespace Axolotl.Client.Tests.Informers;

public class ListerTests
{
    private readonly Lister<ConfigMap> _lister = new();

    [Fact]
    public void Objects_are_found_by_namespace_and_name()
    {
        _lister.Upsert(TestObjects.ConfigMap("a", "1", ns: "x"));
        _lister.Upsert(TestObjects.ConfigMap("a", "1", ns: "y"));

        Assert.Equal("x", _lister.Get("x", "a")!.Metadata.Namespace);
        Assert.Null(_lister.Get("z", "a"));
        Assert.Single(_lister.List("y"));
        Assert.Equal(2, _lister.List().Count);
    }

    [Fact]
    public void The_owner_index_follows_updates_and_removals()
    {
        var owned = Owned("a", "owner-1", controller: true);
        _lister.Upsert(owned);
        Assert.Single(_lister.ByIndex(CacheIndexes.OwnerUid, "owner-1"));
        Assert.Single(_lister.ByIndex(CacheIndexes.ControllerUid, "owner-1"));

        _lister.Upsert(Owned("a", "owner-2", controller: false));
        Assert.Empty(_lister.ByIndex(CacheIndexes.OwnerUid, "owner-1"));
        Assert.Single(_lister.ByIndex(CacheIndexes.OwnerUid, "owner-2"));
        Assert.Empty(_lister.ByIndex(CacheIndexes.ControllerUid, "owner-2"));

        _lister.Remove("default/a");
        Assert.Empty(_lister.ByIndex(CacheIndexes.OwnerUid, "owner-2"));
    }

    [Fact]
    public void A_custom_index_covers_objects_already_cached()
    {
        _lister.Upsert(TestObjects.ConfigMap("a", "1", labels: new() { ["tier"] = "web" }));
        _lister.AddIndex("tier", o => o.Metadata.Labels?.TryGetValue("tier", out var t) == true ? [t] : []);

        Assert.Single(_lister.ByIndex("tier", "web"));
    }

    [Fact]
    public void Label_matching_requires_every_pair()
    {
        _lister.Upsert(TestObjects.ConfigMap("a", "1", labels: new() { ["app"] = "web", ["tier"] = "front" }));
        _lister.Upsert(TestObjects.ConfigMap("b", "1", labels: new() { ["app"] = "web" }));

        Assert.Equal(["a"], _lister.ListByLabels("default", new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }).Select(o => o.Metadata.Name));
        Assert.Equal(2, _lister.ListByLabels(null, new Dictionary<string, string> { ["app"] = "web" }).Count);
    }

    [Fact]
    public void DeepCopy_gives_an_independent_object()
    {
        var original = TestObjects.ConfigMap("a", "1", labels: new() { ["app"] = "web" });
        var copy = original.DeepCopy();

        copy.Metadata.Labels!["app"] = "changed";

        Assert.Equal("web", original.Metadata.Labels!["app"]);
        Assert.Equal("a", copy.Metadata.Name);
    }

    [Fact]
    public void A_node_name_index_follows_binding_and_removal_and_is_added_once()
    {
        var pods = new Lister<Pod>();
        Pod Bound(string name, string? node) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "ns" }, Spec = new PodSpec { NodeName = node } };
        pods.Upsert(Bound("a", "n1"));
        pods.Upsert(Bound("b", null));

        pods.EnsureIndex(CacheIndexes.NodeName, CacheIndexes.ByNodeName);
        pods.EnsureIndex(CacheIndexes.NodeName, CacheIndexes.ByNodeName);
        pods.Upsert(Bound("b", "n2"));
        pods.Upsert(Bound("c", "n1"));
        pods.Remove("ns/a");

        Assert.Equal(["c"], pods.ByIndex(CacheIndexes.NodeName, "n1").Select(p => p.Metadata.Name));
        Assert.Equal(["b"], pods.ByIndex(CacheIndexes.NodeName, "n2").Select(p => p.Metadata.Name));
        Assert.Empty(pods.ByIndex(CacheIndexes.NodeName, ""));
    }

    private static ConfigMap Owned(string name, string ownerUid, bool controller)
    {
        var cm = TestObjects.ConfigMap(name, "1");
        cm.Metadata.OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = ownerUid, Controller = controller }];
        return cm;
    }
}
