using Axolotl.Api.Core;
using Axolotl.Api.Rbac;
using Axolotl.Controllers.ClusterRoleAggregation;

namespace Axolotl.Controllers.Tests.ClusterRoleAggregation;

public sealed class ClusterRoleAggregationReconcilerTests
{
    private static ClusterRole Role(string name, Dictionary<string, string>? labels, params PolicyRule[] rules) =>
        new() { Metadata = new() { Name = name, Labels = labels }, Rules = [.. rules] };

    private static PolicyRule Read(string resource) => new() { Verbs = ["get"], ApiGroups = [""], Resources = [resource] };

    private static AggregationRule Selecting(params string[] labels) =>
        new() { ClusterRoleSelectors = [.. labels.Select(l => new LabelSelector { MatchLabels = new() { [l] = "true" } })] };

    [Fact]
    public void Rules_of_matching_roles_are_gathered_in_name_order_once_each()
    {
        var view = Role("view", null);
        var all = new[]
        {
            Role("z-extra", new() { ["agg/view"] = "true" }, Read("pods"), Read("widgets")),
            Role("a-base", new() { ["agg/view"] = "true" }, Read("pods"), Read("services")),
            Role("unrelated", new() { ["other"] = "true" }, Read("secrets")),
        };

        var rules = ClusterRoleAggregationReconciler.Aggregate(view, Selecting("agg/view"), [.. all, view]);

        Assert.Equal(["pods", "services", "widgets"], rules.Select(r => r.Resources![0]));
    }

    [Fact]
    public void Any_selector_matching_is_enough_and_the_role_itself_is_never_included()
    {
        var admin = Role("admin", new() { ["agg/admin"] = "true" }, Read("self"));
        var all = new[]
        {
            admin,
            Role("edit-bits", new() { ["agg/edit"] = "true" }, Read("deployments")),
            Role("admin-bits", new() { ["agg/admin"] = "true" }, Read("roles")),
        };

        var rules = ClusterRoleAggregationReconciler.Aggregate(admin, Selecting("agg/admin", "agg/edit"), all);

        Assert.Equal(["roles", "deployments"], rules.Select(r => r.Resources![0]));
    }
}
