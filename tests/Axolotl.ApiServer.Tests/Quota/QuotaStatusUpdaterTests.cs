using Axolotl.ApiServer.Admission.Quota;

namespace Axolotl.ApiServer.Tests.Quota;

public sealed class QuotaStatusUpdaterTests
{
    [Theory]
    [InlineData("/pods/default/web-1", "default")]
    [InlineData("/deployments/team-a/web", "team-a")]
    [InlineData("/nodes/node-1", null)]
    [InlineData("/namespaces/default", null)]
    [InlineData("/events/default/web.17a", null)]
    public void Only_writes_to_namespaced_objects_other_than_events_trigger_a_recount(string key, string? expected)
    {
        Assert.Equal(expected, QuotaStatusUpdater.NamespaceOf(key));
    }
}
