using Axolotl.Controllers.ReplicaSets;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.ReplicaSets;

public sealed class ControllerExpectationsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_controller_without_expectations_may_sync()
    {
        Assert.True(new ControllerExpectations(_time).Satisfied("ns/web"));
    }

    [Fact]
    public void Creations_are_satisfied_only_when_each_has_been_observed()
    {
        var expectations = new ControllerExpectations(_time);
        expectations.ExpectCreations("ns/web", 2);
        Assert.False(expectations.Satisfied("ns/web"));
        expectations.CreationObserved("ns/web");
        Assert.False(expectations.Satisfied("ns/web"));
        expectations.CreationObserved("ns/web");
        Assert.True(expectations.Satisfied("ns/web"));
    }

    [Fact]
    public void Only_the_pods_asked_to_be_deleted_count_as_observed_deletions_and_each_only_once()
    {
        var expectations = new ControllerExpectations(_time);
        expectations.ExpectDeletions("ns/web", ["ns/a", "ns/b"]);
        expectations.DeletionObserved("ns/web", "ns/other");
        expectations.DeletionObserved("ns/web", "ns/a");
        expectations.DeletionObserved("ns/web", "ns/a");
        Assert.Equal((0, 1), expectations.Pending("ns/web"));
        expectations.DeletionObserved("ns/web", "ns/b");
        Assert.True(expectations.Satisfied("ns/web"));
    }

    [Theory]
    [InlineData(299, false)]
    [InlineData(300, false)]
    [InlineData(301, true)]
    public void Unobserved_expectations_expire_after_the_timeout(int seconds, bool satisfied)
    {
        var expectations = new ControllerExpectations(_time);
        expectations.ExpectCreations("ns/web", 1);
        _time.Advance(TimeSpan.FromSeconds(seconds));
        Assert.Equal(satisfied, expectations.Satisfied("ns/web"));
    }

    [Fact]
    public void Setting_expectations_again_replaces_them_and_restarts_the_clock()
    {
        var expectations = new ControllerExpectations(_time, TimeSpan.FromSeconds(10));
        expectations.ExpectCreations("ns/web", 1);
        _time.Advance(TimeSpan.FromSeconds(8));
        expectations.ExpectDeletions("ns/web", ["ns/a"]);
        _time.Advance(TimeSpan.FromSeconds(8));
        Assert.False(expectations.Satisfied("ns/web"));
        Assert.Equal((0, 1), expectations.Pending("ns/web"));
    }

    [Fact]
    public void Deleting_forgets_a_key_and_observations_for_unknown_keys_are_ignored()
    {
        var expectations = new ControllerExpectations(_time);
        expectations.ExpectCreations("ns/web", 3);
        expectations.Delete("ns/web");
        expectations.CreationObserved("ns/web");
        expectations.DeletionObserved("ns/web", "ns/a");
        Assert.Null(expectations.Pending("ns/web"));
        Assert.True(expectations.Satisfied("ns/web"));
    }
}
