using Axolotl.ApiServer.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Axolotl.ApiServer.Http;

/// <summary>
/// How long a request line and its headers may be. kube-apiserver takes up to 1 MiB of them (Go's
/// MaxHeaderBytes, over HTTP/1.1 and as HTTP/2's header list size), so a label selector of many kilobytes
/// works. Kestrel's own limits (8 KiB request line, 32 KiB of headers) would refuse those with a bare 414
/// or, over HTTP/2, a reset stream; they are raised to twice upstream's limit so that a request between
/// the two reaches this check and gets a Kubernetes Status that says what was too long.
/// </summary>
public static class RequestSizeLimits
{
    /// <summary>kube-apiserver's MaxHeaderBytes.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    /// <summary>Kestrel's hard limits: beyond them it answers by itself, without a Status.</summary>
    public const int TransportLimit = 2 * MaxHeaderBytes;

    public static void Apply(KestrelServerLimits limits)
    {
        // The connection's read buffer must hold a whole request line or header block (Kestrel checks it).
        limits.MaxRequestBufferSize = Math.Max(limits.MaxRequestBufferSize ?? 0, TransportLimit);
        limits.MaxRequestLineSize = TransportLimit;
        limits.MaxRequestHeadersTotalSize = TransportLimit;
        limits.Http2.MaxRequestHeaderFieldSize = TransportLimit;
    }

    /// <summary>The Status for a request over the limits, or null.</summary>
    public static ApiException? Exceeded(HttpContext ctx)
    {
        var target = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (ctx.Request.Path + ctx.Request.QueryString).ToString();
        var line = ctx.Request.Method.Length + target.Length + ctx.Request.Protocol.Length + 4;
        if (line > MaxHeaderBytes)
        {
            return ApiErrors.Make(414, "RequestURITooLong",
                $"Request-URI Too Long: the request line is {line} bytes, over the limit of {MaxHeaderBytes}; send long selectors in fewer bytes or split the request");
        }
        long headers = line;
        foreach (var (name, values) in ctx.Request.Headers)
        {
            foreach (var value in values)
            {
                headers += name.Length + (value?.Length ?? 0) + 4;
            }
        }
        return headers > MaxHeaderBytes
            ? ApiErrors.Make(431, "RequestHeaderFieldsTooLarge", $"Request Header Fields Too Large: the request line and headers are {headers} bytes, over the limit of {MaxHeaderBytes}")
            : null;
    }
}
