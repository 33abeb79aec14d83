using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Http;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.ServiceAccounts;

/// <summary>
/// Service account issuer discovery (OIDC): /.well-known/openid-configuration and /openid/v1/jwks,
/// so that a relying party can verify this server's tokens. Both are fixed for the server's life.
/// </summary>
public sealed class IssuerDiscovery(ServiceAccountKey key, ServiceAccountTokenOptions options)
{
    public const string JwksPath = "/openid/v1/jwks";

    private readonly byte[] _configuration = Encoding.UTF8.GetBytes(new JsonObject
    {
        ["issuer"] = options.Issuer,
        ["jwks_uri"] = options.Issuer.TrimEnd('/') + JwksPath,
        ["response_types_supported"] = new JsonArray("id_token"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray(ServiceAccountKey.Algorithm),
    }.ToJsonString());

    private readonly byte[] _jwks = Encoding.UTF8.GetBytes(new JsonObject { ["keys"] = new JsonArray(key.PublicJwk()) }.ToJsonString());

    public Task ConfigurationAsync(HttpContext ctx)
    {
        ctx.Response.Headers.CacheControl = "public, max-age=3600";
        return ResponseWriter.WriteBytesAsync(ctx, 200, _configuration, "application/json");
    }

    public Task JwksAsync(HttpContext ctx)
    {
        ctx.Response.Headers.CacheControl = "public, max-age=3600";
        return ResponseWriter.WriteBytesAsync(ctx, 200, _jwks, "application/jwk-set+json");
    }
}
