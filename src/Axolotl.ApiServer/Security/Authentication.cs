using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Authentication: everything but health and version needs a known bearer token or a node client
/// certificate (401 Status otherwise; an expired join token is refused the same way). A bearer token
/// wins over a certificate. Nodes pass through <see cref="NodeAuthorizer"/> and join tokens through
/// <see cref="BootstrapAuthorizer"/> (403 Status when they say no); what they write is checked by
/// admission once the body has been read within its limit.
/// </summary>
public sealed class Authentication(TokenRegistry tokens, ClientCertificateAuthenticator certificates, NodeAuthorizer nodes)
{
    /// <summary>Service account tokens (bearer JWTs); null where a test builds authentication without them.</summary>
    public ServiceAccounts.ServiceAccountTokenAuthenticator? ServiceAccountTokens { get; init; }

    public async Task<bool> AuthenticateAsync(HttpContext ctx)
    {
        if (ApiRouter.IsAnonymousPath(ctx.Request.Path))
        {
            return true;
        }
        var header = ctx.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var principal = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? tokens.Authenticate(header[prefix.Length..].Trim())
            : header.Length == 0 ? certificates.Authenticate(ctx.Connection.ClientCertificate, ctx.Features.Get<IConnectionItemsFeature>()?.Items) : null;
        if (principal is null && ServiceAccountTokens is { } serviceAccounts && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
            header[prefix.Length..].Trim() is var bearer && ServiceAccounts.Jwt.LooksLikeJwt(bearer))
        {
            principal = await serviceAccounts.AuthenticateAsync(bearer, ctx.RequestAborted);
        }
        if (principal is null)
        {
            await ResponseWriter.WriteStatusAsync(ctx, ApiErrors.Unauthorized().Status);
            return false;
        }
        RequestPrincipal.Set(ctx, principal);
        if (!principal.IsNode && !principal.IsBootstrapper)
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
        var denied = principal.IsNode
            ? await nodes.AuthorizeAsync(principal, attributes, ctx.RequestAborted)
            : BootstrapAuthorizer.Authorize(principal, attributes);
        if (denied is not null)
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
