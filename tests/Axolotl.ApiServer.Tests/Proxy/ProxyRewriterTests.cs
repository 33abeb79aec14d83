using Axolotl.ApiServer.Proxy;

namespace Axolotl.ApiServer.Tests.Proxy;

public sealed class ProxyRewriterTests
{
    private const string Prefix = "/api/v1/namespaces/default/services/web:80/proxy";
    private const string Target = "10.244.0.5:8080";
    private const string Apiserver = "127.0.0.1:8001";

    [Theory]
    [InlineData("/login", Prefix + "/login")]
    [InlineData("/", Prefix + "/")]
    [InlineData("/a/b/?q=1#top", Prefix + "/a/b/?q=1#top")]
    [InlineData("http://10.244.0.5:8080/next?x=y", Prefix + "/next?x=y")]
    [InlineData("http://127.0.0.1:8001/next", "http://127.0.0.1:8001" + Prefix + "/next")]
    [InlineData(Prefix + "/already", Prefix + "/already")]
    [InlineData("relative/path", "relative/path")]
    [InlineData("../up", "../up")]
    [InlineData("//cdn.example.com/x.js", "//cdn.example.com/x.js")]
    [InlineData("https://example.com/elsewhere", "https://example.com/elsewhere")]
    [InlineData("mailto:a@example.com", "mailto:a@example.com")]
    [InlineData("#anchor", "#anchor")]
    public void Urls_on_the_same_host_get_the_proxy_prefix(string url, string expected)
    {
        Assert.Equal(expected, ProxyRewriter.RewriteUrl(url, Prefix, Target, Apiserver));
    }

    [Fact]
    public void Html_links_are_rewritten_and_everything_else_is_kept()
    {
        const string html = """
            <!DOCTYPE html>
            <html><head><link rel="stylesheet" href="/static/site.css"><script src='/app.js'></script>
            <script>var u = "<a href='/not-markup'>";</script></head>
            <!-- <a href="/in-comment"> -->
            <body background=/bg.png><a class="x" HREF="/docs/?a=1&amp;b=2">docs</a> <a href="other.html">rel</a>
            <img src="https://example.com/logo.png" alt="/not-a-url"><form action="/submit" method=post></form>
            <p data-href="/not-rewritten">3 < 4</p></body></html>
            """;

        var rewritten = ProxyRewriter.RewriteHtml(html, Prefix, Target, Apiserver);

        Assert.Equal(html
            .Replace("href=\"/static/site.css\"", $"href=\"{Prefix}/static/site.css\"", StringComparison.Ordinal)
            .Replace("src='/app.js'", $"src='{Prefix}/app.js'", StringComparison.Ordinal)
            .Replace("background=/bg.png", $"background={Prefix}/bg.png", StringComparison.Ordinal)
            .Replace("HREF=\"/docs/?a=1&amp;b=2\"", $"HREF=\"{Prefix}/docs/?a=1&amp;b=2\"", StringComparison.Ordinal)
            .Replace("action=\"/submit\"", $"action=\"{Prefix}/submit\"", StringComparison.Ordinal), rewritten);
    }

    [Fact]
    public void Unterminated_markup_does_not_break_the_rewriter()
    {
        foreach (var html in new[] { "<a href=\"/x", "<a href=", "<a href", "<", "<!--", "<script>", "<a href='/x' " })
        {
            Assert.NotNull(ProxyRewriter.RewriteHtml(html, Prefix, Target, Apiserver));
        }
    }
}
