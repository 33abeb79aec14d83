using Axolotl.Api.Core;
using Axolotl.ApiServer.Admission.Matching;

namespace Axolotl.ApiServer.Tests.Admission.Matching;

public sealed class SelectorMatcherTests
{
    private static readonly Dictionary<string, string> Prod = new() { ["env"] = "prod" };
    private static readonly Dictionary<string, string> Dev = new() { ["env"] = "dev" };

    private static LabelSelector EnvProd => new() { MatchLabels = new() { ["env"] = "prod" } };

    private static RequestFacts Request(string resource = "configmaps", string ns = "apps", string operation = "CREATE",
        IReadOnlyDictionary<string, string>? labels = null, IReadOnlyDictionary<string, string>? oldLabels = null) =>
        new(operation, "", "v1", resource, "", ns, labels, oldLabels);

    private static Func<Task<IReadOnlyDictionary<string, string>?>> Namespace(IReadOnlyDictionary<string, string>? labels) =>
        () => Task.FromResult(labels);

    [Fact]
    public async Task The_namespace_selector_matches_the_labels_of_the_objects_namespace()
    {
        Assert.True(await SelectorMatcher.NamespaceMatchesAsync(EnvProd, Request(), Namespace(Prod)));
        Assert.False(await SelectorMatcher.NamespaceMatchesAsync(EnvProd, Request(), Namespace(Dev)));
    }

    [Fact]
    public async Task A_namespace_being_created_is_judged_by_its_own_labels_and_cluster_scoped_objects_by_none()
    {
        var unread = () => Task.FromException<IReadOnlyDictionary<string, string>?>(new InvalidOperationException("not read"));
        Assert.True(await SelectorMatcher.NamespaceMatchesAsync(EnvProd, Request("namespaces", "team", labels: Prod), unread));
        Assert.False(await SelectorMatcher.NamespaceMatchesAsync(EnvProd, Request("namespaces", "team", labels: Dev), unread));
        Assert.True(await SelectorMatcher.NamespaceMatchesAsync(EnvProd, Request("nodes", ""), unread));
        // An empty selector never needs the namespace.
        Assert.True(await SelectorMatcher.NamespaceMatchesAsync(new LabelSelector(), Request(), unread));
    }

    [Fact]
    public void The_object_selector_matches_the_new_or_the_old_objects_labels()
    {
        Assert.True(SelectorMatcher.ObjectMatches(EnvProd, Request(labels: Prod)));
        Assert.True(SelectorMatcher.ObjectMatches(EnvProd, Request(operation: "UPDATE", labels: Dev, oldLabels: Prod)));
        Assert.False(SelectorMatcher.ObjectMatches(EnvProd, Request(labels: Dev)));
        // A delete has only the old object.
        Assert.True(SelectorMatcher.ObjectMatches(EnvProd, Request(operation: "DELETE", oldLabels: Prod)));
        Assert.True(SelectorMatcher.ObjectMatches(new LabelSelector(), Request()));
    }
}
