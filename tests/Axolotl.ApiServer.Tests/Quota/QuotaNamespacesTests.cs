using Axolotl.ApiServer.Admission.Quota;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Tests.Quota;

public sealed class QuotaNamespacesTests
{
    private static StoreEntry Entry(string key, long revision) => new(key, new byte[] { 1 }, revision, revision);

    private static StoreListResult List(long revision, params string[] keys) =>
        new(keys.Select(k => Entry(k, 1)).ToList(), revision, null, 0);

    [Fact]
    public void Nothing_is_known_before_the_first_list()
    {
        var namespaces = new QuotaNamespaces();
        namespaces.CreatedHere("team-a", 3);

        Assert.Null(namespaces.HasQuotas("team-a"));
        Assert.Null(namespaces.HasQuotas("team-b"));
    }

    [Fact]
    public void The_list_and_the_changes_after_it_say_which_namespaces_hold_quotas()
    {
        var namespaces = new QuotaNamespaces();
        namespaces.Replace(List(10, "/resourcequotas/team-a/pods", "/resourcequotas/team-a/compute"));

        Assert.True(namespaces.HasQuotas("team-a"));
        Assert.False(namespaces.HasQuotas("team-b"));

        namespaces.Apply(new StoreEvent(StoreEventType.Added, Entry("/resourcequotas/team-b/pods", 11)));
        namespaces.Apply(new StoreEvent(StoreEventType.Deleted, Entry("/resourcequotas/team-a/pods", 12)));
        Assert.True(namespaces.HasQuotas("team-b"));
        Assert.True(namespaces.HasQuotas("team-a"));

        namespaces.Apply(new StoreEvent(StoreEventType.Deleted, Entry("/resourcequotas/team-a/compute", 13)));
        Assert.False(namespaces.HasQuotas("team-a"));
    }

    [Fact]
    public void Other_kinds_and_keys_that_name_no_quota_are_not_counted()
    {
        var namespaces = new QuotaNamespaces();
        namespaces.Replace(List(1));

        namespaces.Apply(new StoreEvent(StoreEventType.Added, Entry("/pods/team-a/web", 2)));
        namespaces.Apply(new StoreEvent(StoreEventType.Added, Entry("/resourcequotasx/team-a/q", 3)));
        namespaces.Apply(new StoreEvent(StoreEventType.Added, Entry("/resourcequotas/team-a/", 4)));
        namespaces.Apply(new StoreEvent(StoreEventType.Progress, Entry("", 5)));

        Assert.False(namespaces.HasQuotas("team-a"));
    }

    [Fact]
    public void A_quota_created_here_counts_at_once_until_the_watch_has_passed_its_revision()
    {
        var namespaces = new QuotaNamespaces();
        namespaces.Replace(List(5));
        namespaces.CreatedHere("team-a", 8);

        Assert.True(namespaces.HasQuotas("team-a"));
        namespaces.Apply(new StoreEvent(StoreEventType.Modified, Entry("/pods/team-b/web", 7)));
        Assert.True(namespaces.HasQuotas("team-a"));

        // The watch reached revision 8 and holds no quota there (deleted meanwhile): its own view decides.
        namespaces.Apply(new StoreEvent(StoreEventType.Added, Entry("/resourcequotas/team-a/q", 8)));
        namespaces.Apply(new StoreEvent(StoreEventType.Deleted, Entry("/resourcequotas/team-a/q", 9)));
        Assert.False(namespaces.HasQuotas("team-a"));
    }

    [Fact]
    public void A_relist_forgets_quotas_it_no_longer_holds()
    {
        var namespaces = new QuotaNamespaces();
        namespaces.Replace(List(5, "/resourcequotas/team-a/pods"));
        namespaces.Replace(List(9, "/resourcequotas/team-b/pods"));

        Assert.False(namespaces.HasQuotas("team-a"));
        Assert.True(namespaces.HasQuotas("team-b"));
    }
}
