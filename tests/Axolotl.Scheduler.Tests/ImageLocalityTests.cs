using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Plugins;

namespace Axolotl.Scheduler.Tests;

public sealed class ImageLocalityTests
{
    private const long Mb = 1024 * 1024;

    private static NodeInfo NodeWith(string name, params (string Name, long Size)[] images)
    {
        var node = Build.Node(name);
        node.Status!.Images = [.. images.Select(i => new ContainerImage { Names = [i.Name, i.Name + "@sha256:abc"], SizeBytes = i.Size })];
        return Build.Info(node);
    }

    private static Pod PodRunning(string image)
    {
        var pod = Build.Pod("p");
        pod.Spec!.Containers[0].Image = image;
        return pod;
    }

    [Fact]
    public void A_node_holding_the_image_scores_by_its_size_scaled_by_how_many_nodes_hold_it()
    {
        var holder = NodeWith("a", ("registry.example/big:1", 523 * Mb));
        var other = NodeWith("b");

        var scores = new ImageLocality().Score(PodRunning("registry.example/big:1"), [holder, other], [holder, other]);

        // 523 MB on 1 of 2 nodes → 261.5 MB: 100 × (261.5 − 23) / (1000 − 23) = 24.
        Assert.Equal([24L, 0L], scores);
    }

    [Fact]
    public void An_image_on_every_node_counts_in_full_and_small_images_count_nothing()
    {
        var a = NodeWith("a", ("big:1", 1000 * Mb), ("tiny:1", 5 * Mb));
        var b = NodeWith("b", ("big:1", 1000 * Mb));

        Assert.Equal([100L, 100L], new ImageLocality().Score(PodRunning("big:1"), [a, b], [a, b]));
        Assert.Equal([0L, 0L], new ImageLocality().Score(PodRunning("tiny:1"), [a, b], [a, b]));
    }

    [Fact]
    public void An_untagged_image_matches_the_latest_tag_only()
    {
        var node = NodeWith("a", ("app:latest", 1000 * Mb));

        Assert.Equal([100L], new ImageLocality().Score(PodRunning("app"), [node], [node]));
        Assert.Equal([0L], new ImageLocality().Score(PodRunning("app:2"), [node], [node]));
        Assert.Equal("localhost:5000/app:latest", ImageLocality.NormalizedImageName("localhost:5000/app"));
    }

    [Fact]
    public void A_node_info_reads_its_images_once_by_every_name_and_a_new_node_object_reads_them_again()
    {
        var info = NodeWith("a", ("app:1", 40 * Mb));

        Assert.Equal(40 * Mb, info.ImageSizes["app:1"]);
        Assert.Equal(40 * Mb, info.ImageSizes["app:1@sha256:abc"]);
        Assert.Same(info.ImageSizes, info.ImageSizes);

        // The agent reports another image: the cache builds a new NodeInfo for the new Node object.
        var changed = Build.Node("a");
        changed.Status!.Images = [new ContainerImage { Names = ["other:2"], SizeBytes = 50 * Mb }];
        var rebuilt = Build.Info(changed);
        Assert.False(rebuilt.ImageSizes.ContainsKey("app:1"));
        Assert.Equal(50 * Mb, rebuilt.ImageSizes["other:2"]);
    }

    [Fact]
    public void The_caches_image_holder_counts_score_as_a_scan_of_every_node_does()
    {
        var nodes = Enumerable.Range(0, 12).Select(i => NodeWith($"n{i:D2}",
            [.. new[] { ("big:1", 600 * Mb), ("mid:1", 200 * Mb), ("app:latest", 400 * Mb) }.Where((_, k) => (i + k) % (k + 2) == 0)])).ToList();
        var cache = new Cache.NodeInfoCache();
        var snapshot = cache.Snapshot(nodes.Select(n => n.Node));
        var plain = snapshot.ToList();

        foreach (var image in new[] { "big:1", "mid:1", "app", "missing:1" })
        {
            var pod = PodRunning(image);
            Assert.Equal(new ImageLocality().Score(pod, plain, plain), new ImageLocality().Score(pod, snapshot, snapshot));
        }
    }
}
