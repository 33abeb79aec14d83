using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Security.Rbac;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Authentication, impersonation and authorization of every request, in upstream's filter order.
/// A bearer token wins over a client certificate; no credentials at all is the anonymous user on
/// the public paths (health, version: system:public-info-viewer decides) and 401 elsewhere. Then the
/// Impersonate-* headers, then <see cref="Authorizer"/> (Node, masters, RBAC), which answers 403 with
/// upstream's message when it says no. What nodes and join tokens write is also checked by admission
/// once the body has been read within its limit.
/// </summary>
public sealed class Authentication(TokenRegistry tokens, ClientCertificateAuthenticator certificates, Authorizer authorizer)
{
    public Authorizer Authorizer => authorizer;

    /// <summary>
    /// The principal behind any bearer token the server accepts: its own tokens, then service account JWTs
    /// (TokenReview asks the same question as a request's Authorization header); null when it is not valid.
    /// </summary>
    public async Task<Principal?> AuthenticateBearerAsync(string token, CancellationToken ct)
    {
        if (tokens.Authenticate(token) is { } own)
        {
            return own;
        }
        if (ServiceAccountTokens is not { } serviceAccounts || !ServiceAccounts.Jwt.LooksLikeJwt(token))
        {
            return null;
        }
        return TokenCache is { } cache
            ? await cache.AuthenticateAsync(token, serviceAccounts.AuthenticateAsync, ct)
            : await serviceAccounts.AuthenticateAsync(token, ct);
    }

    /// <summary>Service account tokens (bearer JWTs); null where a test builds authentication without them.</summary>
    public ServiceAccounts.ServiceAccountTokenAuthenticator? ServiceAccountTokens { get; init; }

    /// <summary>Remembers the service account tokens that authenticated, as upstream's token cache does; null: none is.</summary>
    public TokenAuthenticationCache? TokenCache { get; init; }

    public async Task<bool> AuthenticateAsync(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var principal = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? await AuthenticateBearerAsync(header[prefix.Length..].Trim(), ctx.RequestAborted)
            : header.Length == 0 ? certificates.Authenticate(ctx.Connection.ClientCertificate, ctx.Features.Get<IConnectionItemsFeature>()?.Items) : null;
        if (principal is null && header.Length == 0 && ctx.Connection.ClientCertificate is null && AnonymousPaths.Matches(ctx.Request.Path))
        {
            principal = Principal.Anonymous;
        }
        if (principal is null)
        {
            await ResponseWriter.WriteStatusAsync(ctx, ApiErrors.Unauthorized().Status);
            return false;
        }
        try
        {
            if (Impersonation.Requested(ctx.Request.Headers))
            {
                principal = await Impersonation.ImpersonateAsync(ctx.Request.Headers, principal, authorizer, ctx.RequestAborted);
                Impersonation.RemoveHeaders(ctx.Request.Headers);
            }
            RequestPrincipal.Set(ctx, principal);
            var request = Attributes(ctx, principal);
            var decision = await authorizer.AuthorizeAsync(request, ctx.Request.Query["fieldSelector"].ToString(), ctx.RequestAborted);
            if (!decision.Allowed)
            {
                await ResponseWriter.WriteStatusAsync(ctx, decision.Denial!);
                return false;
            }
            return true;
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(ctx, e.Status);
            return false;
        }
    }

    /// <summary>
    /// Upstream's RequestInfo for authorization: /api/v1/… and /apis/GROUP/VERSION/… with a resource are
    /// resource requests (a namespace's own path counts as in that namespace); everything else, including
    /// discovery (/api, /api/v1, /apis/GROUP/VERSION), is a non-resource path with the lower-cased method as verb.
    /// </summary>
    public static AuthorizationRequest Attributes(HttpContext ctx, Principal principal)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var resource = RequestPath.Segments(ctx) switch
        {
            ["api", var v, .. var rest] => RequestInfo.Parse("", v, rest),
            ["apis", var g, var v, .. var rest] => RequestInfo.Parse(g, v, rest),
            _ => null,
        };
        if (resource is null)
        {
            return AuthorizationRequest.ForPath(principal, ctx.Request.Method.ToLowerInvariant(), path);
        }
        var verb = NodeAuthorizer.Verb(ctx.Request.Method, resource, ctx.Request.Query.Bool("watch"));
        var ns = resource.Namespace ?? (resource is { Group: "", Resource: "namespaces" } ? resource.Name : null);
        return AuthorizationRequest.ForResource(principal, verb, resource.Group, resource.Resource, resource.Subresource, ns, resource.Name) with { Version = resource.Version };
    }
}
