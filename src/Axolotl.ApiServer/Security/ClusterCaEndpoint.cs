using System.Text;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// GET /cacerts: the cluster CA's certificate (PEM), with no authentication, as k3s serves it. A joining node
/// reads it without trusting the connection, and trusts it only if its SHA-256 is the hash its
/// <see cref="SecureJoinToken"/> carries. The CA's certificate is public (every pod gets it in kube-root-ca.crt);
/// the bytes served are the bytes hashed, so they never change while the CA does not.
/// </summary>
public sealed class ClusterCaEndpoint(string caPem)
{
    public const string Path = "/cacerts";

    private readonly byte[] _body = Encoding.UTF8.GetBytes(caPem);

    public static bool Matches(PathString path) => path.Equals(Path, StringComparison.Ordinal);

    public async Task ServeAsync(HttpContext ctx)
    {
        var response = ctx.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
        if (ctx.Request.Method is not ("GET" or "HEAD"))
        {
            response.Headers.Allow = "GET, HEAD";
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("405 method not allowed: /cacerts is read-only\n", ctx.RequestAborted);
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/x-pem-file";
        response.ContentLength = _body.Length;
        if (ctx.Request.Method == "GET")
        {
            await response.Body.WriteAsync(_body, ctx.RequestAborted);
        }
    }
}
