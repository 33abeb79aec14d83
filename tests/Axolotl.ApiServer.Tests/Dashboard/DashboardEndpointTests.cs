using System.Text;
using Axolotl.ApiServer.Dashboard;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Tests.Dashboard;

public sealed class DashboardEndpointTests
{
    private static readonly DashboardAssets Assets = new([
        DashboardAssets.Create("index.html", "<!doctype html><script type=\"module\" src=\"/ui/assets/app-1.js\"></script>"u8.ToArray()),
        DashboardAssets.Create("assets/app-1.js", "console.log(1)"u8.ToArray()),
    ]);

    private static async Task<HttpContext> ServeAsync(string method, string path, string? ifNoneMatch = null)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = method;
        ctx.Request.Path = path;
        if (ifNoneMatch is not null)
        {
            ctx.Request.Headers.IfNoneMatch = ifNoneMatch;
        }
        ctx.Response.Body = new MemoryStream();
        await new DashboardEndpoint(Assets).ServeAsync(ctx);
        return ctx;
    }

    private static string Body(HttpContext ctx) => Encoding.UTF8.GetString(((MemoryStream)ctx.Response.Body).ToArray());

    [Fact]
    public async Task The_page_is_served_with_a_strict_content_security_policy_and_never_framed()
    {
        var ctx = await ServeAsync("GET", "/ui/");

        Assert.Equal(200, ctx.Response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", ctx.Response.ContentType);
        Assert.StartsWith("<!doctype html>", Body(ctx));
        var csp = ctx.Response.Headers.ContentSecurityPolicy.ToString();
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("DENY", ctx.Response.Headers.XFrameOptions.ToString());
        Assert.Equal("nosniff", ctx.Response.Headers.XContentTypeOptions.ToString());
        Assert.Equal("no-referrer", ctx.Response.Headers["Referrer-Policy"].ToString());
        Assert.Equal("no-cache", ctx.Response.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task Hashed_assets_are_immutable_and_revalidate_with_their_etag()
    {
        var first = await ServeAsync("GET", "/ui/assets/app-1.js");
        Assert.Equal(200, first.Response.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", first.Response.ContentType);
        Assert.Equal("console.log(1)", Body(first));
        Assert.Contains("immutable", first.Response.Headers.CacheControl.ToString());

        var again = await ServeAsync("GET", "/ui/assets/app-1.js", first.Response.Headers.ETag.ToString());
        Assert.Equal(304, again.Response.StatusCode);
        Assert.Equal("", Body(again));
    }

    [Fact]
    public async Task Head_answers_like_get_without_a_body()
    {
        var ctx = await ServeAsync("HEAD", "/ui/");
        Assert.Equal(200, ctx.Response.StatusCode);
        Assert.True(ctx.Response.ContentLength > 0);
        Assert.Equal("", Body(ctx));
    }

    [Theory]
    [InlineData("/ui/missing.js")]
    [InlineData("/ui/assets/")]
    [InlineData("/ui/assets/..%2Findex.html")]
    [InlineData("/ui/../etc/passwd")]
    [InlineData("/ui/index.html/")]
    public async Task Anything_outside_the_build_is_404(string path)
    {
        var ctx = await ServeAsync("GET", path);
        Assert.Equal(404, ctx.Response.StatusCode);
        Assert.Equal("404 page not found\n", Body(ctx));
        Assert.NotEmpty(ctx.Response.Headers.ContentSecurityPolicy.ToString());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task The_dashboard_is_read_only(string method)
    {
        var ctx = await ServeAsync(method, "/ui/");
        Assert.Equal(405, ctx.Response.StatusCode);
        Assert.Equal("GET, HEAD", ctx.Response.Headers.Allow.ToString());
    }

    [Fact]
    public async Task Bare_ui_redirects_to_the_page_base()
    {
        var ctx = await ServeAsync("GET", "/ui");
        Assert.Equal(301, ctx.Response.StatusCode);
        Assert.Equal("/ui/", ctx.Response.Headers.Location.ToString());
    }

    [Theory]
    [InlineData("/ui", true)]
    [InlineData("/ui/", true)]
    [InlineData("/ui/assets/x.js", true)]
    [InlineData("/uix", false)]
    [InlineData("/api/v1/pods", false)]
    [InlineData("/", false)]
    public void Only_the_ui_path_is_the_dashboards(string path, bool matches) =>
        Assert.Equal(matches, DashboardEndpoint.Matches(path));

    [Fact]
    public void The_build_is_embedded_in_the_api_server()
    {
        var index = DashboardAssets.Embedded.Find("index.html");
        Assert.NotNull(index);
        var html = Encoding.UTF8.GetString(index.Content);
        Assert.Contains("<script type=\"module\"", html);
        Assert.Contains("src=\"/ui/assets/", html);
        Assert.True(DashboardAssets.Embedded.Count >= 3, "index.html, a script and a stylesheet");
    }
}
