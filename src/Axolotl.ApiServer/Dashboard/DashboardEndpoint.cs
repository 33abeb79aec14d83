using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Dashboard;

/// <summary>
/// Serves the dashboard's static files at /ui. They hold no cluster data, so they are served before
/// authentication (a browser cannot attach a bearer token to a navigation); every byte of data the
/// page shows comes from the ordinary API with the user's own credentials, where RBAC applies.
/// The headers lock the page down: scripts, styles and connections from this origin only (no inline
/// script, no eval), never framed, no referrer, no MIME sniffing. See docs/adr (dashboard auth).
/// </summary>
public sealed class DashboardEndpoint(DashboardAssets assets)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string Index = "index.html";

    public static bool Matches(PathString path) => path.StartsWithSegments("/ui");

    public async Task ServeAsync(HttpContext ctx)
    {
        var response = ctx.Response;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

        var method = ctx.Request.Method;
        if (method is not ("GET" or "HEAD"))
        {
            headers.Allow = "GET, HEAD";
            await Plain(ctx, StatusCodes.Status405MethodNotAllowed, "405 method not allowed: the dashboard is read-only\n");
            return;
        }
        var path = ctx.Request.Path.Value ?? "";
        if (path == "/ui")
        {
            // the page's relative base is /ui/
            headers.Location = "/ui/";
            response.StatusCode = StatusCodes.Status301MovedPermanently;
            return;
        }
        var relative = path["/ui/".Length..];
        var asset = assets.Find(relative.Length == 0 ? Index : relative);
        if (asset is null)
        {
            await Plain(ctx, StatusCodes.Status404NotFound, "404 page not found\n");
            return;
        }
        // Vite names every asset after its content hash: cacheable for good. The page itself is
        // revalidated so that a new binary's assets are picked up at once.
        headers.CacheControl = asset.Path == Index ? "no-cache" : "public, max-age=31536000, immutable";
        headers.ETag = asset.ETag;
        if (ctx.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        if (method == "GET")
        {
            await response.Body.WriteAsync(asset.Content, ctx.RequestAborted);
        }
    }

    private static async Task Plain(HttpContext ctx, int status, string text)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(text, ctx.RequestAborted);
    }
}
