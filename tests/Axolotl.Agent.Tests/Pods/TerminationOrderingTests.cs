using Axolotl.Agent.Pods;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Tests.Pods;

public sealed class TerminationOrderingTests
{
    private static PodSpec Spec() => new()
    {
        InitContainers =
        [
            new Container { Name = "first", Image = "busybox", RestartPolicy = "Always" },
            new Container { Name = "setup", Image = "busybox" },
            new Container { Name = "second", Image = "busybox", RestartPolicy = "Always" },
        ],
        Containers = [new Container { Name = "app", Image = "busybox" }, new Container { Name = "web", Image = "busybox" }],
    };

    [Fact]
    public void Without_a_running_sidecar_there_is_no_ordering()
    {
        Assert.Null(TerminationOrdering.For(Spec(), ["app", "web"]));
    }

    [Fact]
    public void Sidecars_wait_for_the_app_containers_and_the_sidecars_after_them()
    {
        var ordering = TerminationOrdering.For(Spec(), ["app", "web", "first", "second"])!;

        Assert.Empty(ordering.WaitsFor("app"));
        Assert.Equal(["app", "web"], ordering.WaitsFor("second"));
        Assert.Equal(["app", "web", "second"], ordering.WaitsFor("first"));
    }

    [Fact]
    public async Task A_sidecar_turn_comes_when_those_before_it_have_exited()
    {
        var ordering = TerminationOrdering.For(Spec(), ["app", "first", "second"])!;
        var turn = ordering.WaitForTurnAsync("first", TimeSpan.FromHours(1), TimeProvider.System, CancellationToken.None);

        ordering.Exited("app");
        Assert.False(turn.IsCompleted);
        ordering.Exited("second");
        await turn.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
