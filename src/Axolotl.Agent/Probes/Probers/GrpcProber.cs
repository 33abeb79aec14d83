using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;
using Microsoft.AspNetCore.WebUtilities;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// grpc: a unary grpc.health.v1.Health/Check over cleartext HTTP/2 to the pod IP, as pkg/probe/grpc
/// does with grpc-go; SERVING is healthy, any other answer or error fails with grpc-go's and the
/// kubelet's words. Each probe gets its own connection, closed afterwards (the kubelet dials per probe).
/// </summary>
internal sealed class GrpcProber(TimeProvider time)
{
    // grpc-go refuses messages over 4 MiB; a health answer is a few bytes, so far less is plenty.
    private const int MaxResponseBytes = 64 * 1024;

    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");

    public async Task<ProbeResult> ProbeAsync(GRPCAction action, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        var host = target.Host;
        var port = action.Port;
        var address = GoText.JoinHostPort(host, port);
        PrefaceRecordingStream? connection = null;
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = async (_, token) =>
            {
                var socket = await ProbeDialer.ConnectAsync(host, port, token);
                connection = new PrefaceRecordingStream(new NetworkStream(socket, ownsSocket: true));
                return connection;
            },
        };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{address}{GrpcHealthCodec.CheckPath}"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(GrpcHealthCodec.EncodeRequest(action.Service ?? "")),
        };
        request.Content.Headers.ContentType = GrpcContentType;
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("user-agent", HttpProber.UserAgent);
        request.Headers.TryAddWithoutValidation("grpc-timeout", GrpcTimeout(timeout));

        using var deadline = new ProbeDeadline(timeout, time, ct);
        try
        {
            using var response = await invoker.SendAsync(request, deadline.Token);
            var body = await ReadBodyAsync(response, deadline.Token);
            return body is null
                ? Failed(8, $"grpc: received message larger than max ({MaxResponseBytes} bytes)")
                : Judge(response, body, timeout);
        }
        catch (OperationCanceledException) when (deadline.Expired)
        {
            return ProbeResult.Failure($"timeout: health rpc did not complete within {GoDuration.Format(timeout)}");
        }
        catch (HttpRequestException e) when (Find<ProbeDialException>(e) is { } dial)
        {
            return Failed(14, "connection error: desc = " + GoValue.Quote("transport: Error while dialing: " + dial.Message));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return Failed(14, "connection error: desc = " + GoValue.Quote(ConnectionError(connection, e)));
        }
    }

    private static ProbeResult Judge(HttpResponseMessage response, byte[] body, TimeSpan timeout)
    {
        var grpcStatus = Header(response, "grpc-status");
        if (grpcStatus is null)
        {
            return Failed(NonGrpcCode(response), NonGrpcMessage(response), timeout);
        }

        if (!int.TryParse(grpcStatus, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return Failed(13, $"transport: malformed grpc-status: strconv.ParseInt: parsing {GoValue.Quote(grpcStatus)}: invalid syntax");
        }

        if (code != 0)
        {
            return Failed(code, Header(response, "grpc-message") is { } m ? Uri.UnescapeDataString(m) : "", timeout);
        }

        if (!GrpcHealthCodec.TryDecodeResponse(body, out var status, out var error))
        {
            return Failed(13, error);
        }

        return status == 1
            ? ProbeResult.Success("service healthy")
            : ProbeResult.Failure($"service unhealthy (responded with {GoValue.Quote(GrpcHealthCodec.StatusName(status))})");
    }

    /// <summary>The kubelet's text for a failed health RPC: it singles out Unimplemented and DeadlineExceeded.</summary>
    private static ProbeResult Failed(int code, string message, TimeSpan? timeout = null) => code switch
    {
        12 => ProbeResult.Failure($"error: this server does not implement the grpc health protocol (grpc.health.v1.Health): {message}"),
        4 when timeout is { } t => ProbeResult.Failure($"timeout: health rpc did not complete within {GoDuration.Format(t)}"),
        _ => ProbeResult.Failure($"error: health rpc probe failed: rpc error: code = {GrpcHealthCodec.CodeName(code)} desc = {message}"),
    };

    /// <summary>grpc-go's code for a response without grpc-status: from the HTTP status (Internal when it is 200 but not gRPC).</summary>
    private static int NonGrpcCode(HttpResponseMessage response) => (int)response.StatusCode switch
    {
        200 => IsGrpc(response) ? 13 : 2,
        400 => 13,
        401 => 16,
        403 => 7,
        404 => 12,
        429 or 502 or 503 or 504 => 14,
        _ => 2,
    };

    private static string NonGrpcMessage(HttpResponseMessage response)
    {
        var parts = new List<string>();
        var code = (int)response.StatusCode;
        if (code != 200)
        {
            parts.Add($"unexpected HTTP status code received from server: {code} ({ReasonPhrases.GetReasonPhrase(code)})");
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (contentType is null)
        {
            parts.Add("transport: missing content-type field");
        }
        else if (!IsGrpc(response))
        {
            parts.Add($"transport: received unexpected content-type {GoValue.Quote(contentType)}");
        }
        else if (code == 200)
        {
            parts.Add("server closed the stream without sending trailers");
        }

        return string.Join("; ", parts);
    }

    private static bool IsGrpc(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } media &&
        (media == "application/grpc" || media.StartsWith("application/grpc+", StringComparison.Ordinal));

    /// <summary>A gRPC status travels in the trailers, or in the headers of a trailers-only response.</summary>
    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var t) ? t.FirstOrDefault()
        : response.Headers.TryGetValues(name, out var h) ? h.FirstOrDefault()
        : null;

    /// <summary>The response body, or null when it is larger than any health answer can be.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var body = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxResponseBytes)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }

    /// <summary>
    /// Why the HTTP/2 connection failed, as grpc-go words it. grpc-go reads the server's first frame
    /// as its preface: an HTTP/1.x answer ("HTTP/1.1 ...") read as a frame header gives a length over
    /// 16 KiB, and any first frame but SETTINGS is refused.
    /// </summary>
    private static string ConnectionError(PrefaceRecordingStream? connection, Exception e)
    {
        ReadOnlySpan<byte> received = connection is null ? default : connection.Received;
        if (received.Length >= 3 && ((received[0] << 16) | (received[1] << 8) | received[2]) > 16384)
        {
            return "error reading server preface: http2: frame too large";
        }

        if (connection is not null && received.Length == 0)
        {
            return "error reading server preface: EOF";
        }

        if (connection is not null && received.Length < 9)
        {
            return "error reading server preface: unexpected EOF";
        }

        // An HTTP/2 server that will not serve (Kestrel on an HTTP/1-only port answers GOAWAY).
        if (received.Length >= 9 && received[3] != 4)
        {
            return "initial http2 frame from server is not a settings frame: *http2." + GoFrameType(received[3]);
        }

        var inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner is SocketException s ? GoText.ReadError(s) : inner.Message;
    }

    private static string GoFrameType(byte type) => type switch
    {
        0 => "DataFrame",
        1 => "HeadersFrame",
        2 => "PriorityFrame",
        3 => "RSTStreamFrame",
        5 => "PushPromiseFrame",
        6 => "PingFrame",
        7 => "GoAwayFrame",
        8 => "WindowUpdateFrame",
        9 => "ContinuationFrame",
        _ => "UnknownFrame",
    };

    // grpc-go sends the deadline in the largest unit that keeps 8 digits.
    private static string GrpcTimeout(TimeSpan timeout)
    {
        var ms = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds));
        return ms < 100_000_000
            ? ms.ToString(CultureInfo.InvariantCulture) + "m"
            : ((ms + 999) / 1000).ToString(CultureInfo.InvariantCulture) + "S";
    }

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is T match)
            {
                return match;
            }
        }

        return null;
    }
}
