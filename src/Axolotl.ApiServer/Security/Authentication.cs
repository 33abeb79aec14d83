using System.Text.Json;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Bearer-token authentication: everything but health and version needs a known token (401 Status
/// otherwise; an expired join token is refused the same way). Join tokens act as a node and pass
/// through <see cref="NodeAuthorizer"/> (403 Status when it says no).
/// </summary>
public static class Authentication
{
    public static async Task<bool> AuthenticateAsync(HttpContext ctx, TokenRegistry tokens)
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
        var resource = ParseResource(ctx.Request.Path);
        var verb = NodeAuthorizer.Verb(ctx.Request.Method, resource, IsWatch(ctx.Request.Query));
        var createdName = verb == "create" && resource is { Name: null } ? await PeekNameAsync(ctx) : null;
        if (NodeAuthorizer.Authorize(principal, new NodeAuthorizer.Attributes(verb, resource, ctx.Request.Path.Value ?? "/", createdName)) is { } denied)
        {
            await ResponseWriter.WriteStatusAsync(ctx, denied);
            return false;
        }
        return true;
    }

    private static RequestInfo? ParseResource(PathString path)
    {
        var parts = (path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts switch
        {
            ["api", var v, .. var rest] => RequestInfo.Parse("", v, rest),
            ["apis", var g, var v, .. var rest] => RequestInfo.Parse(g, v, rest),
            _ => null,
        };
    }

    private static bool IsWatch(IQueryCollection query) =>
        query.TryGetValue("watch", out var value) && value.ToString() is "true" or "1";

    /// <summary>metadata.name of a JSON create body, read without consuming it (the router reads it again).</summary>
    private static async Task<string?> PeekNameAsync(HttpContext ctx)
    {
        ctx.Request.EnableBuffering();
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, default, ctx.RequestAborted);
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                doc.RootElement.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object &&
                meta.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ctx.Request.Body.Position = 0;
        }
    }
}
