using System.Text.Json;
using Axolotl.Agent.Stats;
using Axolotl.Api.Serialization;
using Microsoft.AspNetCore.Http;

namespace Axolotl.Agent.Server;

/// <summary>GET /stats/resource: the readings the API server's resource metrics API is computed from (see <see cref="ResourceStatsCollector"/>).</summary>
internal static class ResourceStatsEndpoint
{
    public static async Task WriteAsync(HttpContext ctx, ResourceStatsCollector stats)
    {
        var summary = await stats.CollectAsync(ctx.RequestAborted);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, summary, KubeJson.Options, ctx.RequestAborted);
    }
}
