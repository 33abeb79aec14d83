using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>Bearer-token authentication: everything but health and version needs a known token (401 Status otherwise).</summary>
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
        if (header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && tokens.IsValid(header[prefix.Length..].Trim()))
        {
            return true;
        }
        await ResponseWriter.WriteStatusAsync(ctx, ApiErrors.Unauthorized().Status);
        return false;
    }
}
