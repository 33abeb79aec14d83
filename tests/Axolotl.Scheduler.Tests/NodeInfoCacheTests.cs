using Axolotl.Scheduler.Cache;
using Axolotl.Scheduler.Framework;

namespace Axolotl.Scheduler.Tests;

public sealed class NodeInfoCacheTests
{
    private static Api.Core.Pod On(string name, string node, string cpu = "100m")
    {
        var pod = Build.Pod(name, cpu);
        pod.Spec!.NodeName = node;
        return pod;
    }

    [Fact]
    public void A_counted_pod_appears_on_its_node_with_its_requests()
    {
        var cache = new NodeInfoCache();
        cache.Count("default/a", On("a", "n1", "250m"));

        var infos = cache.Snapshot([Build.Node("n1"), Build.Node("n2")]);

        Assert.Equal(["a"], infos[0].Pods.Select(p => p.Metadata.Name));
        Assert.Equal(250, infos[0].Requested.MilliCpu);
        Assert.Empty(infos[1].Pods);
    }

    [Fact]
    public void A_pods_affinity_terms_are_parsed_once_however_often_its_node_is_rebuilt()
    {
        var cache = new NodeInfoCache();
        var nodes = new[] { Build.Node("n1") };
        cache.Count("default/a", On("a", "n1").WithAntiAffinity(Build.Term("app", "web")));
        var before = cache.Snapshot(nodes)[0].PodsWithAffinity.Single();

        cache.Count("default/b", On("b", "n1")); // a binding to the same node rebuilds its info
        var after = cache.Snapshot(nodes)[0];

        Assert.Equal(2, after.Pods.Count);
        Assert.Same(before, after.PodsWithAffinity.Single());
        Assert.Same(before, after.PodsWithRequiredAntiAffinity.Single());
    }

    [Fact]
    public void Counting_a_key_again_moves_the_pod_instead_of_counting_it_twice()
    {
        var cache = new NodeInfoCache();
        cache.Count("default/a", On("a", "n1"));
        cache.Count("default/a", On("a", "n2"));

        var infos = cache.Snapshot([Build.Node("n1"), Build.Node("n2")]);

        Assert.Empty(infos[0].Pods);
        Assert.Single(infos[1].Pods);
    }

    [Fact]
    public void An_unchanged_node_keeps_its_node_info_and_a_changed_one_is_rebuilt()
    {
        var cache = new NodeInfoCache();
        var n1 = Build.Node("n1");
        var n2 = Build.Node("n2");
        cache.Count("default/a", On("a", "n1"));
        var first = cache.Snapshot([n1, n2]);

        cache.Count("default/b", On("b", "n2"));
        var second = cache.Snapshot([n1, n2]);

        Assert.Same(first[0], second[0]);
        Assert.NotSame(first[1], second[1]);
        Assert.Single(second[1].Pods);

        var n1Updated = Build.Node("n1", cpu: "4");
        var third = cache.Snapshot([n1Updated, n2]);
        Assert.NotSame(second[0], third[0]);
        Assert.Same(n1Updated, third[0].Node);
        Assert.Single(third[0].Pods);
    }

    [Fact]
    public void A_forgotten_pod_no_longer_counts_and_a_removed_node_is_dropped()
    {
        var cache = new NodeInfoCache();
        cache.Count("default/a", On("a", "n1"));
        cache.Snapshot([Build.Node("n1")]);

        cache.Forget("default/a");
        cache.Forget("default/never-counted");

        Assert.Empty(cache.Snapshot([Build.Node("n1")])[0].Pods);
        Assert.Empty(cache.Snapshot([]));
    }

    [Fact]
    public void A_status_only_update_keeps_the_node_info_and_a_label_change_rebuilds_it()
    {
        var cache = new NodeInfoCache();
        var n1 = Build.Node("n1");
        cache.Count("default/a", On("a", "n1"));
        var first = cache.Snapshot([n1]);

        var running = On("a", "n1");
        running.Status = new Api.Core.PodStatus { Phase = "Running" };
        cache.Count("default/a", running);
        Assert.Same(first[0], cache.Snapshot([n1])[0]);

        var relabelled = On("a", "n1");
        relabelled.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "web" };
        cache.Count("default/a", relabelled);
        var rebuilt = cache.Snapshot([n1])[0];
        Assert.NotSame(first[0], rebuilt);
        Assert.Equal("web", rebuilt.Pods.Single().Metadata.Labels!["tier"]);
    }

    [Fact]
    public void Following_node_events_a_snapshot_rebuilds_only_what_changed_and_sees_what_it_is_told()
    {
        var cache = new NodeInfoCache();
        var nodes = new Dictionary<string, Api.Core.Node> { ["n1"] = Build.Node("n1"), ["n2"] = Build.Node("n2") };
        var lists = 0;
        NodeSnapshot Take() => cache.Snapshot(() => { lists++; return nodes.Values.ToList(); }, name => nodes.GetValueOrDefault(name));
        cache.Count("default/a", On("a", "n1"));
        var first = Take();
        Assert.Equal(1, lists);

        // A pod bound to n2: only n2 is rebuilt, and the lister is not listed again.
        cache.Count("default/b", On("b", "n2"));
        var second = Take();
        Assert.Equal(1, lists);
        Assert.Same(first[0], second[0]);
        Assert.Single(second[1].Pods);

        // A Node object replaced: seen once the cache is told, and only then.
        nodes["n1"] = Build.Node("n1", cpu: "4");
        Assert.Same(second, Take());
        cache.NodeChanged("n1");
        var third = Take();
        Assert.Same(nodes["n1"], third[0].Node);
        Assert.Single(third[0].Pods);
        Assert.Same(second[1], third[1]);
        Assert.Equal(1, lists);

        // A node added: the next snapshot walks the whole list and keeps the name order.
        nodes["n0"] = Build.Node("n0");
        cache.NodeSetChanged();
        var fourth = Take();
        Assert.Equal(2, lists);
        Assert.Equal(["n0", "n1", "n2"], fourth.Select(i => i.Name));

        // A node deleted whose event has not come yet, with a pod of its changing: the whole list is walked.
        nodes.Remove("n2");
        cache.Count("default/c", On("c", "n2"));
        var fifth = Take();
        Assert.Equal(3, lists);
        Assert.Equal(["n0", "n1"], fifth.Select(i => i.Name));
    }

    [Fact]
    public void Counted_requests_are_worked_out_once_and_match_the_pods()
    {
        var cache = new NodeInfoCache();
        cache.Count("default/a", On("a", "n1", "250m"));
        cache.Count("default/b", On("b", "n1", "500m"));
        var info = cache.Snapshot([Build.Node("n1")])[0];

        Assert.Equal(750, info.Requested.MilliCpu);
        Assert.Equal(ResourceRequest.NonZeroForPod(info.Pods[0]) + ResourceRequest.NonZeroForPod(info.Pods[1]), info.NonZeroRequested);
    }

    private static Api.Core.Node WithImages(string name, params string[] images)
    {
        var node = Build.Node(name);
        node.Status!.Images = [.. images.Select(i => new Api.Core.ContainerImage { Names = [i, i + "@sha256:abc"], SizeBytes = 100 })];
        return node;
    }

    [Fact]
    public void The_snapshot_is_in_name_order_whatever_the_listing_order_and_is_handed_out_again_while_nothing_changes()
    {
        var cache = new NodeInfoCache();
        Api.Core.Node[] listed = [Build.Node("n3"), Build.Node("n1"), Build.Node("n2")];

        var first = cache.Snapshot(listed);
        Assert.Equal(["n1", "n2", "n3"], first.Select(i => i.Name));
        Assert.Same(first, cache.Snapshot(listed));

        cache.Count("default/a", On("a", "n2"));
        var second = cache.Snapshot(listed);
        Assert.NotSame(first, second);
        Assert.Equal(["n1", "n2", "n3"], second.Select(i => i.Name));
        Assert.Same(first[0], second[0]);
        Assert.Single(second[1].Pods);
        Assert.Empty(first[1].Pods); // a snapshot handed out does not change under its holder

        var third = cache.Snapshot([listed[0], listed[2], Build.Node("n0")]);
        Assert.Equal(["n0", "n2", "n3"], third.Select(i => i.Name));
    }

    [Fact]
    public void Image_holders_follow_nodes_that_come_change_and_go()
    {
        var cache = new NodeInfoCache();
        var a = WithImages("a", "app:1", "db:1");
        var b = WithImages("b", "app:1");

        var first = cache.Snapshot([a, b]);
        Assert.Equal(2, first.NodesHolding("app:1"));
        Assert.Equal(2, first.NodesHolding("app:1@sha256:abc"));
        Assert.Equal(1, first.NodesHolding("db:1"));
        Assert.Equal(0, first.NodesHolding("web:1"));

        var bUpdated = WithImages("b", "app:1", "web:1");
        var second = cache.Snapshot([a, bUpdated]);
        Assert.Equal(2, second.NodesHolding("app:1"));
        Assert.Equal(1, second.NodesHolding("web:1"));
        Assert.Equal(0, first.NodesHolding("web:1")); // counts are copied on write

        var third = cache.Snapshot([bUpdated]);
        Assert.Equal(1, third.NodesHolding("app:1"));
        Assert.Equal(0, third.NodesHolding("db:1"));
    }

    [Fact]
    public void A_pod_counted_on_a_chosen_node_counts_there_although_its_spec_names_none()
    {
        var cache = new NodeInfoCache();
        var pending = Build.Pod("a", "300m");

        cache.Count("default/a", pending, "n2");
        var infos = cache.Snapshot([Build.Node("n1"), Build.Node("n2")]);

        Assert.Empty(infos[0].Pods);
        Assert.Equal(300, infos[1].Requested.MilliCpu);
    }
}
