using Axolotl.Storage.Etcd;

namespace Axolotl.Storage.Tests.Etcd;

public sealed class EtcdDefragmentationPlannerTests
{
    private static readonly Uri A = new("http://a:2379");
    private static readonly Uri B = new("http://b:2379");
    private static readonly Uri C = new("http://c:2379");

    [Theory]
    [InlineData(200, 100, true)] // half free, large enough
    [InlineData(200, 120, false)] // 40 % free: under 45 %
    [InlineData(50, 10, false)] // mostly free but under the minimum size
    [InlineData(200, 0, false)] // an etcd before 3.4 reports no size in use: never judged fragmented
    public void A_member_is_defragmented_when_its_file_is_large_and_mostly_free(long sizeMb, long inUseMb, bool expected)
    {
        var planner = new EtcdDefragmentationPlanner(minimumBytes: 100_000_000, fragmentedFraction: 0.45);

        var plan = planner.Plan([new EtcdMemberStatus(A, "1", sizeMb * 1_000_000, inUseMb * 1_000_000, IsLeader: false)]);

        Assert.Equal(expected, plan.Count == 1);
    }

    [Fact]
    public void Followers_go_first_and_the_leader_last()
    {
        var planner = new EtcdDefragmentationPlanner(minimumBytes: 0, fragmentedFraction: 0.5);

        var plan = planner.Plan([
            new EtcdMemberStatus(A, "1", 1000, 100, IsLeader: true),
            new EtcdMemberStatus(B, "2", 1000, 100, IsLeader: false),
            new EtcdMemberStatus(C, "3", 1000, 900, IsLeader: false),
        ]);

        Assert.Equal([B, A], plan.Select(m => m.Endpoint));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_fraction_outside_zero_to_one_is_refused(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EtcdDefragmentationPlanner(0, fraction));
}
