using Axolotl.Api.ApiRegistration;
using Axolotl.Controllers.Autoregister;
using static Axolotl.Controllers.Autoregister.AutoregisterAction;

namespace Axolotl.Controllers.Tests.Autoregister;

public sealed class AutoregisterDecisionTests
{
    private static APIService? Service(string? managed, int versionPriority = 15)
    {
        var apiService = BuiltInApiServices.Local("apps", "v1", 17800, versionPriority, managed ?? "x");
        if (managed is null)
        {
            apiService.Metadata.Labels = null;
        }
        return apiService;
    }

    public static TheoryData<string, string, bool, bool, AutoregisterAction> Table => new()
    {
        // desired, current, synced before, present at start => action ("-" absent, "user" not automanaged, "stale" another spec)
        { "-", "-", false, false, None },
        { "onstart", "-", false, false, Create },
        { "onstart", "-", true, false, None },
        { "true", "-", false, false, Create },
        { "true", "-", true, false, Create },
        { "-", "user", false, true, None },
        { "onstart", "user", false, true, None },
        { "true", "user", false, true, None },
        { "-", "onstart", false, false, None },
        { "true", "onstart stale", false, false, None },
        { "-", "onstart", false, true, Delete },
        { "-", "onstart", true, true, None },
        { "onstart", "onstart stale", false, true, Update },
        { "onstart", "onstart stale", true, true, None },
        { "true", "onstart stale", false, true, Update },
        { "true", "onstart stale", true, true, None },
        { "-", "true", false, false, Delete },
        { "-", "true", true, false, Delete },
        { "onstart", "true stale", false, false, Update },
        { "onstart", "true stale", true, false, None },
        { "true", "true stale", true, false, Update },
        { "true", "true", true, false, None },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Follows_kube_aggregators_autoregister_table(string desired, string current, bool syncedBefore, bool presentAtStart, AutoregisterAction expected)
    {
        var want = desired == "-" ? null : Service(desired);
        var have = current switch
        {
            "-" => null,
            "user" => Service(null),
            _ => Service(current.Split(' ')[0], current.EndsWith("stale", StringComparison.Ordinal) ? 9 : 15),
        };

        Assert.Equal(expected, AutoregisterDecision.Decide(want, have, syncedBefore, presentAtStart));
    }

    [Fact]
    public void Absent_and_empty_spec_fields_are_the_same_spec()
    {
        var desired = BuiltInApiServices.Local("", "v1", 18000, 1, APIService.ManagedOnStart);
        var stored = BuiltInApiServices.Local("", "v1", 18000, 1, APIService.ManagedOnStart);
        stored.Spec!.Group = "";
        stored.Spec.InsecureSkipTLSVerify = false;
        stored.Spec.CaBundle = [];

        Assert.True(AutoregisterDecision.SameSpec(desired, stored));
        stored.Spec.Service = new ServiceReference { Namespace = "ns", Name = "api" };
        Assert.False(AutoregisterDecision.SameSpec(desired, stored));
    }
}
