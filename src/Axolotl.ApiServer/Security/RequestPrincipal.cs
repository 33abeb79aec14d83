using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>Carries the authenticated principal from authentication to the handlers (admission checks, a CSR's requester).</summary>
public static class RequestPrincipal
{
    private static readonly object Key = new();

    public static void Set(HttpContext ctx, Principal principal) => ctx.Items[Key] = principal;

    /// <summary>The request's principal; null on anonymous paths and in handler tests without authentication.</summary>
    public static Principal? Get(HttpContext ctx) => ctx.Items.TryGetValue(Key, out var value) ? value as Principal : null;
}
