using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;
using KubeStatus = Axolotl.Api.Meta.Status;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Server;

/// <summary>KubeStatus answers of the kubelet endpoint: the API server passes them through to kubectl unchanged.</summary>
internal static class KubeletResponses
{
    public static KubeStatus Failure(int code, string reason, string message) =>
        new() { Outcome = "Failure", Code = code, Reason = reason, Message = message };

    public static async Task WriteAsync(HttpContext ctx, KubeStatus status)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }
        ctx.Response.StatusCode = status.Code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(KubeJson.SerializeToUtf8(status), ctx.RequestAborted);
    }

    public static Task WriteAsync(HttpContext ctx, int code, string reason, string message) =>
        WriteAsync(ctx, Failure(code, reason, message));

    public static Task BadRequestAsync(HttpContext ctx, string message) => WriteAsync(ctx, 400, "BadRequest", message);
}
