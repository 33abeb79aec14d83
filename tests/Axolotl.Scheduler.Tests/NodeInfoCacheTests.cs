using Axolotl.Scheduler.Cache;

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
}
