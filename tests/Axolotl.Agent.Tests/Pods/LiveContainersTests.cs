using Axolotl.Agent.Pods;
using Axolotl.Runtime;

namespace Axolotl.Agent.Tests.Pods;

public sealed class LiveContainersTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ContainerHandle Handle(string id, string name = "app") => new(id, "uid", name, 100, Now, "/logs/" + id);

    [Fact]
    public void A_copy_taken_before_a_change_stays_as_it_was()
    {
        var live = new LiveContainers();
        live.Set("app", Handle("a1"), 0);
        var before = live.Published;

        live.Remove("app");
        live.Set("web", Handle("w1", "web"), 0);

        Assert.Equal(["app"], before.Handles.Keys);
        Assert.Equal(["web"], live.Published.Handles.Keys);
    }

    [Fact]
    public void The_lane_and_the_published_copy_agree_after_each_change()
    {
        var live = new LiveContainers();
        live.Set("app", Handle("a1"), 0);
        live.Set("app", Handle("a2"), 1);

        Assert.True(live.TryGetValue("app", out var handle));
        Assert.Equal("a2", handle.Id);
        Assert.Equal("a2", live.Published.Handles["app"].Id);
        Assert.Equal(1, live.Count);
    }

    [Fact]
    public void Removing_a_container_that_does_not_run_publishes_nothing_new()
    {
        var live = new LiveContainers();
        live.Set("app", Handle("a1"), 0);
        var before = live.Published;

        live.Remove("web");

        Assert.Same(before, live.Published);
    }

    [Fact]
    public void A_container_counts_as_restarted_after_its_first_instance_or_once_replaced()
    {
        var live = new LiveContainers();
        var first = Handle("a1");
        live.Set("app", first, 0);
        Assert.False(live.Published.Restarted("app", first));

        var second = Handle("a2");
        live.Set("app", second, 1);
        Assert.True(live.Published.Restarted("app", first));
        Assert.True(live.Published.Restarted("app", second));

        live.Remove("app");
        Assert.True(live.Published.Restarted("app", second));
    }
}
