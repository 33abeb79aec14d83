using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// The answer upstream's filters give a request they will not run (tooManyRequests in
/// apiserver/pkg/server/filters): 429, Retry-After, and a plain-text body, not a Status object, written by
/// Go's http.Error (text/plain; charset=utf-8, nosniff, trailing newline). client-go and kubectl retry it.
/// </summary>
public static class TooManyRequests
{
    public const string Body = "Too many requests, please try again later.\n";

    public static async Task WriteAsync(HttpContext ctx, int retryAfterSeconds)
    {
        ctx.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        ctx.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(Body, ctx.RequestAborted);
    }
}
