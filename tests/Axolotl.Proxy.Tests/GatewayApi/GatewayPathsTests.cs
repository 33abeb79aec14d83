using Axolotl.Proxy.GatewayApi;
using Axolotl.Proxy.GatewayApi.Model;

namespace Axolotl.Proxy.Tests.GatewayApi;

public sealed class GatewayPathsTests
{
    private static readonly GatewayRouteMatch Prefix = new(GatewayPathKind.PathPrefix, "/shop/", null, [], []);

    [Theory]
    [InlineData("/shop", "/store", "/store")]
    [InlineData("/shop/cart", "/store", "/store/cart")]
    [InlineData("/shop/cart", "/", "/cart")]
    [InlineData("/shop", "/", "/")]
    [InlineData("/shop/", "/store/", "/store/")]
    public void ReplacePrefixMatch_swaps_the_matched_prefix_element_wise(string path, string replacement, string rewritten) =>
        Assert.Equal(rewritten, GatewayPaths.Modify(new HTTPPathModifier { Type = "ReplacePrefixMatch", ReplacePrefixMatch = replacement }, Prefix, path));

    [Fact]
    public void ReplaceFullPath_replaces_the_whole_path() =>
        Assert.Equal("/new", GatewayPaths.Modify(new HTTPPathModifier { Type = "ReplaceFullPath", ReplaceFullPath = "/new" }, Prefix, "/shop/a/b"));

    [Theory]
    [InlineData("https", null, null, "https://shop.test/shop/a?x=1")]
    [InlineData("https", 8443, null, "https://shop.test:8443/shop/a?x=1")]
    [InlineData(null, null, null, "http://shop.test:8080/shop/a?x=1")]
    [InlineData("http", null, "new.test", "http://new.test/shop/a?x=1")]
    public void A_redirect_port_is_the_schemes_when_a_scheme_is_given_else_the_listeners_and_default_ports_are_left_out(string? scheme, int? port, string? host, string location)
    {
        var redirect = new HTTPRequestRedirectFilter { Scheme = scheme, Port = port, Hostname = host };

        Assert.Equal(location, GatewayPaths.Location(redirect, Prefix, "http", "shop.test", 8080, "/shop/a", "?x=1"));
    }

    [Fact]
    public void A_redirect_can_rewrite_the_path_too()
    {
        var redirect = new HTTPRequestRedirectFilter { Path = new HTTPPathModifier { Type = "ReplacePrefixMatch", ReplacePrefixMatch = "/store" } };

        Assert.Equal("http://shop.test/store/a", GatewayPaths.Location(redirect, Prefix, "http", "shop.test", 80, "/shop/a", ""));
    }
}
