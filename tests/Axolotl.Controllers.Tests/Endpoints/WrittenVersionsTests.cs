using Axolotl.Controllers.Endpoints;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Endpoints;

public sealed class WrittenVersionsTests
{
    [Fact]
    public void A_cache_behind_our_write_is_stale_until_it_catches_up()
    {
        var written = new WrittenVersions(new FakeTimeProvider());
        written.Written("ns", "web", "12", owner: "svc");

        Assert.True(written.IsStale("ns", "web", null));
        Assert.True(written.IsStale("ns", "web", "11"));
        Assert.Equal(["web"], written.Pending("ns", "svc"));
        Assert.False(written.IsStale("ns", "web", "12"));
        Assert.Empty(written.Pending("ns", "svc"));
    }

    [Fact]
    public void A_deleted_object_still_cached_is_stale_until_it_is_gone()
    {
        var written = new WrittenVersions(new FakeTimeProvider());
        written.Deleted("ns", "web");

        Assert.True(written.IsStale("ns", "web", "12"));
        Assert.False(written.IsStale("ns", "web", null));
        Assert.False(written.IsStale("ns", "web", "13"));
    }

    [Fact]
    public void An_expectation_nobody_meets_expires()
    {
        var time = new FakeTimeProvider();
        var written = new WrittenVersions(time) { Timeout = TimeSpan.FromSeconds(10) };
        written.Written("ns", "web", "12");

        time.Advance(TimeSpan.FromSeconds(11));

        Assert.False(written.IsStale("ns", "web", null));
    }
}
