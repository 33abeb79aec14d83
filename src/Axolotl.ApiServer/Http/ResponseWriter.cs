using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Http;

public static class ResponseWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions PrettyOptions = WriterOptions with { Indented = true };

    /// <summary>
    /// Writes a JSON object, list, Table or Status followed by a newline, byte for byte as
    /// kube-apiserver's encoder does (clients that compare bodies expect it). <c>?pretty=true</c>
    /// (Go's ParseBool, as upstream reads that one parameter) indents it.
    /// </summary>
    public static async Task WriteAsync(HttpContext ctx, int statusCode, JsonNode body, string contentType = MediaTypes.Json)
    {
        ctx.Response.StatusCode = statusCode;
        ctx.Response.ContentType = contentType;
        var pretty = QueryValues.GoParseBool(ctx.Request.Query.First("pretty")) == true;
        await using (var writer = new Utf8JsonWriter(ctx.Response.BodyWriter, pretty ? PrettyOptions : WriterOptions))
        {
            body.WriteTo(writer);
        }
        ctx.Response.BodyWriter.Write("\n"u8);
        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
    }

    public static async Task WriteBytesAsync(HttpContext ctx, int statusCode, ReadOnlyMemory<byte> body, string contentType = MediaTypes.Json)
    {
        ctx.Response.StatusCode = statusCode;
        ctx.Response.ContentType = contentType;
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext ctx, Status status)
    {
        if (ctx.Response.HasStarted)
        {
            return Task.CompletedTask;
        }
        return WriteAsync(ctx, status.Code, KubeJson.ToNode(status));
    }

    /// <summary>A success Status, as DELETE of some kinds and subresource POSTs return.</summary>
    public static Status Success(int code, StatusDetails? details = null) =>
        new() { Outcome = "Success", Code = code, Details = details };
}
