using Axolotl.Api.Rbac;
using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.Tests.Security.Rbac;

public sealed class RuleCoverageTests
{
    private static PolicyRule Rule(string[] verbs, string[] groups, string[] resources, string[]? names = null) =>
        new() { Verbs = [.. verbs], ApiGroups = [.. groups], Resources = [.. resources], ResourceNames = names is null ? null : [.. names] };

    [Fact]
    public void Granting_what_one_holds_is_covered_and_anything_more_is_listed_piece_by_piece()
    {
        var held = new[] { Rule(["get", "list"], [""], ["pods", "configmaps"]) };

        Assert.Empty(RuleCoverage.Missing(held, [Rule(["get"], [""], ["pods"])]));
        var missing = RuleCoverage.Missing(held, [Rule(["get", "delete"], [""], ["pods", "secrets"])]);

        Assert.Equal(
            ["{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}", "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}", "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"delete\"]}"],
            missing.Select(RuleCoverage.Compact));
    }

    [Fact]
    public void Stars_and_star_subresources_cover_and_resource_names_narrow()
    {
        Assert.Empty(RuleCoverage.Missing([Rule(["*"], ["*"], ["*"])], [Rule(["escalate"], ["rbac.authorization.k8s.io"], ["roles"])]));
        Assert.Empty(RuleCoverage.Missing([Rule(["get"], [""], ["*/log"])], [Rule(["get"], [""], ["pods/log"])]));
        Assert.NotEmpty(RuleCoverage.Missing([Rule(["get"], [""], ["*/log"])], [Rule(["get"], [""], ["pods"])]));
        Assert.Empty(RuleCoverage.Missing([Rule(["get"], [""], ["configmaps"])], [Rule(["get"], [""], ["configmaps"], ["a"])]));
        // Holding one named object does not cover every object.
        Assert.NotEmpty(RuleCoverage.Missing([Rule(["get"], [""], ["configmaps"], ["a"])], [Rule(["get"], [""], ["configmaps"])]));
    }

    [Fact]
    public void Url_rules_are_covered_by_prefixes()
    {
        var held = new[] { new PolicyRule { Verbs = ["get"], NonResourceUrls = ["/apis/*"] } };

        Assert.Empty(RuleCoverage.Missing(held, [new PolicyRule { Verbs = ["get"], NonResourceUrls = ["/apis/apps"] }]));
        Assert.NotEmpty(RuleCoverage.Missing(held, [new PolicyRule { Verbs = ["get"], NonResourceUrls = ["/healthz"] }]));
        Assert.NotEmpty(RuleCoverage.Missing(held, [new PolicyRule { Verbs = ["post"], NonResourceUrls = ["/apis/apps"] }]));
    }
}
