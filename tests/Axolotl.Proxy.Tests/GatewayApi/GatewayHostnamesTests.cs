using Axolotl.Proxy.GatewayApi;

namespace Axolotl.Proxy.Tests.GatewayApi;

public sealed class GatewayHostnamesTests
{
    [Theory]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "aexample.com", false)]
    [InlineData("www.example.com", "WWW.EXAMPLE.COM", true)]
    [InlineData("www.example.com", "a.www.example.com", false)]
    public void A_wildcard_takes_one_or_more_labels_and_never_the_bare_domain(string pattern, string host, bool matches) =>
        Assert.Equal(matches, GatewayHostnames.Matches(pattern, host));

    [Theory]
    [InlineData(null, "", "")]
    [InlineData(null, "a.test", "a.test")]
    [InlineData("a.test", "", "a.test")]
    [InlineData("*.example.com", "foo.example.com,other.org", "foo.example.com")]
    [InlineData("foo.example.com", "*.example.com", "foo.example.com")]
    [InlineData("*.example.com", "*.shop.example.com", "*.shop.example.com")]
    [InlineData("*.shop.example.com", "*.example.com", "*.shop.example.com")]
    [InlineData("foo.example.com", "bar.example.com", null)]
    [InlineData("*.example.com", "example.com", null)]
    public void A_route_serves_the_narrower_of_each_pair_of_names_that_meet(string? listener, string route, string? served)
    {
        var names = GatewayHostnames.Intersect(listener, route.Length == 0 ? [] : route.Split(','));

        Assert.Equal(served, names is null ? null : string.Join(',', names));
    }

    [Fact]
    public void The_lookup_prefers_an_exact_name_then_the_longest_wildcard_then_any_host()
    {
        string[] patterns = ["", "*.example.com", "*.shop.example.com", "www.shop.example.com"];

        Assert.Equal("www.shop.example.com", GatewayHostnames.Best(patterns, "www.shop.example.com"));
        Assert.Equal("*.shop.example.com", GatewayHostnames.Best(patterns, "api.shop.example.com"));
        Assert.Equal("*.example.com", GatewayHostnames.Best(patterns, "blog.example.com"));
        Assert.Equal("", GatewayHostnames.Best(patterns, "example.org"));
        Assert.Null(GatewayHostnames.Best(["a.test"], "b.test"));
    }
}
