using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>The principal a request authenticated as, kept on the request for handlers that record the requester (CSR spec.username).</summary>
public static class RequestPrincipal
{
    private const string Key = "axolotl.principal";

    public static void Set(HttpContext ctx, Principal principal) => ctx.Items[Key] = principal;

    public static Principal? Get(HttpContext ctx) => ctx.Items.TryGetValue(Key, out var value) ? value as Principal : null;
}
