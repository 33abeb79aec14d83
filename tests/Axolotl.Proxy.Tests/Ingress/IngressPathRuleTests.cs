using Axolotl.Proxy.Ingress;

namespace Axolotl.Proxy.Tests.Ingress;

/// <summary>The Ingress spec's own table of Prefix and Exact matches (kubernetes.io, "Examples" under Path types).</summary>
public sealed class IngressPathRuleTests
{
    [Theory]
    [InlineData("Prefix", "/", "/anything/at/all", true)]
    [InlineData("Exact", "/foo", "/foo", true)]
    [InlineData("Exact", "/foo", "/bar", false)]
    [InlineData("Exact", "/foo", "/foo/", false)]
    [InlineData("Exact", "/foo/", "/foo", false)]
    [InlineData("Prefix", "/foo", "/foo", true)]
    [InlineData("Prefix", "/foo", "/foo/", true)]
    [InlineData("Prefix", "/foo/", "/foo", true)]
    [InlineData("Prefix", "/foo/", "/foo/", true)]
    [InlineData("Prefix", "/aaa/bb", "/aaa/bbb", false)]
    [InlineData("Prefix", "/aaa/bbb", "/aaa/bbb", true)]
    [InlineData("Prefix", "/aaa/bbb/", "/aaa/bbb", true)]
    [InlineData("Prefix", "/aaa/bbb", "/aaa/bbb/", true)]
    [InlineData("Prefix", "/aaa/bbb", "/aaa/bbb/ccc", true)]
    [InlineData("Prefix", "/aaa/bbb", "/aaa/bbbxyz", false)]
    [InlineData("ImplementationSpecific", "/aaa", "/aaa/ccc", true)]
    [InlineData("ImplementationSpecific", "/aaa", "/aaaccc", false)]
    public void A_path_matches_as_the_spec_table_says(string type, string path, string request, bool matches)
    {
        var rule = new IngressPathRule(IngressPathRule.KindOf(type)!.Value, path, new IngressRouteBackend("default", "svc", 80, null, "default/ing"));

        Assert.Equal(matches, rule.Matches(request));
    }

    [Fact]
    public void An_unknown_path_type_is_not_served()
    {
        Assert.Null(IngressPathRule.KindOf("Regex"));
        Assert.Null(IngressPathRule.KindOf(null));
    }
}
