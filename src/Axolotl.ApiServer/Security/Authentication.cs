using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Bearer-token authentication: everything but health and version needs a known token (401 Status
/// otherwise; an expired join token is refused the same way). Join tokens act as a node and pass
/// through <see cref="NodeAuthorizer"/> (403 Status when it says no); what they write is
/// checked by NodeRestriction admission once the body has been read within its limit.
/// </summary>
public static class Authentication
{
    public static async Task<bool> AuthenticateAsync(HttpContext ctx, TokenRegistry tokens, NodeAuthorizer nodes)
    {
        if (ApiRouter.IsAnonymousPath(ctx.Request.Path))
        {
            return true;
        }
        var header = ctx.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var principal = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? tokens.Authenticate(header[prefix.Length..].Trim(), ctx.Request.Headers[Principal.NodeNameHeader].ToString())
            : null;
        if (principal is null)
        {
            await ResponseWriter.WriteStatusAsync(ctx, ApiErrors.Unauthorized().Status);
            return false;
        }
        RequestPrincipal.Set(ctx, principal);
        if (!principal.IsNode)
        {
            return true;
        }
        RequestInfo? resource;
        try
        {
            resource = ParseResource(RequestPath.Segments(ctx));
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(ctx, e.Status);
            return false;
        }
        var verb = NodeAuthorizer.Verb(ctx.Request.Method, resource, IsWatch(ctx.Request.Query));
        var attributes = new NodeAuthorizer.Attributes(verb, resource, ctx.Request.Path.Value ?? "/", ctx.Request.Query["fieldSelector"].ToString());
        if (await nodes.AuthorizeAsync(principal, attributes, ctx.RequestAborted) is { } denied)
        {
            await ResponseWriter.WriteStatusAsync(ctx, denied);
            return false;
        }
        return true;
    }

    private static RequestInfo? ParseResource(string[] parts) =>
        parts switch
        {
            ["api", var v, .. var rest] => RequestInfo.Parse("", v, rest),
            ["apis", var g, var v, .. var rest] => RequestInfo.Parse(g, v, rest),
            _ => null,
        };

    private static bool IsWatch(IQueryCollection query) =>
        query.TryGetValue("watch", out var value) && value.ToString() is "true" or "1";
}
