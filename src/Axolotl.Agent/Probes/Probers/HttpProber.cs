using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// httpGet, as pkg/probe/http does it: GET with "User-Agent: kube-probe/1.32" and "Accept: */*"
/// unless the probe sets them, no keep-alive, no certificate checks, no proxy; 200–399 is healthy;
/// redirects are followed only to the same host name (at most 10 requests), a redirect elsewhere is
/// answered as a Warning; at most 10 KiB of body is read; the whole exchange, redirects and body
/// included, is bounded by the probe's timeout. Errors are worded as Go's http.Client words them.
/// </summary>
internal sealed class HttpProber : IDisposable
{
    public const string UserAgent = "kube-probe/1.32";

    /// <summary>The kubelet reads at most 10 KiB of a probe's response body.</summary>
    public const int MaxBodyBytes = 10 * 1024;

    // Go's http.Client stops after 10 requests (the kubelet's redirect checker keeps that default).
    private const int MaxRequests = 10;

    private static readonly SearchValues<char> SchemeChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    private readonly TimeProvider _time;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;

    public HttpProber(TimeProvider time)
    {
        _time = time;
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Requests carry "Connection: close" (the kubelet disables keep-alive); nothing is pooled
            // or drained, so an abandoned 10 MB body is dropped with its connection.
            PooledConnectionIdleTimeout = TimeSpan.Zero,
            MaxResponseDrainSize = 0,
            // A connect the probe gave up on may finish in the background; do not let it hang for minutes.
            ConnectTimeout = TimeSpan.FromSeconds(30),
#pragma warning disable CA5359 // As the kubelet (InsecureSkipVerify): pods' certificates are not issued for their IPs, and a probe checks health, not identity.
            SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
#pragma warning restore CA5359
            ConnectCallback = static async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host.Trim('[', ']');
                var socket = await ProbeDialer.ConnectAsync(host, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        _invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
    }

    public async Task<ProbeResult> ProbeAsync(HTTPGetAction action, ProbeTarget target, TimeSpan timeout, CancellationToken ct)
    {
        if (!ContainerPortResolver.TryResolve(action.Port, target.Container, out var port, out var portError))
        {
            return ProbeResult.Failure(portError);
        }

        var scheme = string.IsNullOrEmpty(action.Scheme) ? "http" : action.Scheme.ToLowerInvariant();
        var host = string.IsNullOrEmpty(action.Host) ? target.Host : action.Host;
        var path = string.IsNullOrEmpty(action.Path) ? "/" : action.Path;
        var url = $"{scheme}://{GoText.JoinHostPort(host, port)}{(path.StartsWith('/') ? "" : "/")}{path}";
        if (scheme is not ("http" or "https"))
        {
            return ProbeResult.Failure($"Get {GoValue.Quote(url)}: unsupported protocol scheme {GoValue.Quote(scheme)}");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return ProbeResult.Failure($"parse {GoValue.Quote(url)}: invalid URL");
        }

        var headers = ProbeHeaders(action.HttpHeaders);
        var hostHeader = headers.FirstOrDefault(h => IsHeader(h.Name, "Host")).Value;
        using var deadline = new ProbeDeadline(timeout, _time, ct);
        return await FollowAsync(uri, url, headers, string.IsNullOrEmpty(hostHeader) ? null : hostHeader, deadline);
    }

    public void Dispose()
    {
        _invoker.Dispose();
        _handler.Dispose();
    }

    private async Task<ProbeResult> FollowAsync(Uri first, string firstText, List<(string Name, string Value)> headers, string? hostHeader, ProbeDeadline deadline)
    {
        var current = first;
        var currentText = firstText;
        var probeHost = hostHeader;
        for (var requests = 1; ; requests++)
        {
            HttpResponseMessage response;
            using (var request = NewRequest(current, headers, hostHeader, out var headerError))
            {
                if (request is null)
                {
                    return ProbeResult.Failure($"Get {GoValue.Quote(currentText)}: {headerError}");
                }

                try
                {
                    response = await _invoker.SendAsync(request, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.Expired)
                {
                    return ProbeResult.Failure($"Get {GoValue.Quote(currentText)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
                }
                catch (HttpRequestException e)
                {
                    return ProbeResult.Failure($"Get {GoValue.Quote(currentText)}: {Describe(e)}");
                }
            }

            using (response)
            {
                var code = (int)response.StatusCode;
                if (RedirectTarget(response, current, out var location, out var next))
                {
                    if (next is null)
                    {
                        return ProbeResult.Failure($"Get {GoValue.Quote(currentText)}: failed to parse Location header {GoValue.Quote(location)}");
                    }

                    // A different host: the kubelet stops and judges the redirect response itself (ErrUseLastResponse).
                    if (string.Equals(next.Host, first.Host, StringComparison.Ordinal))
                    {
                        if (requests >= MaxRequests)
                        {
                            return ProbeResult.Failure($"Get {GoValue.Quote(location)}: stopped after {MaxRequests} redirects");
                        }

                        // Go sends the probe's Host header again only on a relative redirect.
                        hostHeader = IsAbsolute(location) ? null : probeHost;

                        current = next;
                        currentText = next.AbsoluteUri;
                        continue;
                    }
                }

                string body;
                try
                {
                    body = await ReadBodyAsync(response, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.Expired)
                {
                    return ProbeResult.Failure("context deadline exceeded (Client.Timeout or context cancellation while reading body)");
                }
                catch (HttpIOException e) when (e.HttpRequestError == HttpRequestError.ResponseEnded)
                {
                    return ProbeResult.Failure("unexpected EOF");
                }
                catch (IOException e)
                {
                    return ProbeResult.Failure(DescribeIo(e));
                }

                return code switch
                {
                    >= 200 and < 300 => ProbeResult.Success(body),
                    >= 300 and < 400 => ProbeResult.Warning("Probe terminated redirects, Response body: " + body),
                    // Upstream keeps the body out of this message on purpose (kubernetes/kubernetes#99425).
                    _ => ProbeResult.Failure($"HTTP probe failed with statuscode: {code}") with { HttpStatus = code },
                };
            }
        }
    }

    /// <summary>The probe's headers plus the kubelet's defaults, in Go's rules: a User-Agent or Accept set empty is not sent.</summary>
    private static List<(string Name, string Value)> ProbeHeaders(List<HTTPHeader>? configured)
    {
        var headers = (configured ?? []).Select(h => (h.Name, h.Value)).ToList();
        if (!headers.Any(h => IsHeader(h.Name, "User-Agent")))
        {
            headers.Add(("User-Agent", UserAgent));
        }

        if (!headers.Any(h => IsHeader(h.Name, "Accept")))
        {
            headers.Add(("Accept", "*/*"));
        }
        else if (headers.First(h => IsHeader(h.Name, "Accept")).Value.Length == 0)
        {
            headers.RemoveAll(h => IsHeader(h.Name, "Accept"));
        }

        var userAgent = headers.First(h => IsHeader(h.Name, "User-Agent"));
        if (userAgent.Value.Length == 0)
        {
            headers.RemoveAll(h => IsHeader(h.Name, "User-Agent"));
        }

        return headers;
    }

    private static bool IsHeader(string name, string canonical) => string.Equals(name, canonical, StringComparison.OrdinalIgnoreCase);

    private static HttpRequestMessage? NewRequest(Uri uri, List<(string Name, string Value)> headers, string? hostHeader, out string error)
    {
        error = "";
        var request = new HttpRequestMessage(HttpMethod.Get, uri)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.ConnectionClose = true;
        if (hostHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("Host", hostHeader);
        }

        foreach (var (name, value) in headers)
        {
            if (IsHeader(name, "Host"))
            {
                continue;
            }

            if (request.Headers.TryAddWithoutValidation(name, value))
            {
                continue;
            }

            // Content headers (Content-Type, ...) are legal on a GET for Go; .NET keeps them on the content.
            request.Content ??= new ByteArrayContent([]);
            if (!request.Content.Headers.TryAddWithoutValidation(name, value))
            {
                request.Dispose();
                error = $"net/http: invalid header field name {GoValue.Quote(name)}";
                return null;
            }
        }

        return request;
    }

    /// <summary>
    /// Whether Go's client would follow this response: 301/302/303/307/308 with a Location header.
    /// <paramref name="next"/> is null when the Location does not parse.
    /// </summary>
    private static bool RedirectTarget(HttpResponseMessage response, Uri current, out string location, out Uri? next)
    {
        location = "";
        next = null;
        if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308)
            || !response.Headers.TryGetValues("Location", out var values))
        {
            return false;
        }

        location = values.FirstOrDefault() ?? "";
        if (location.Length == 0)
        {
            return false;
        }

        // Resolved by hand: on Unix, Uri would take "/healthz" for an absolute file path.
        var resolved = IsAbsolute(location)
            ? Uri.TryCreate(location, UriKind.Absolute, out var absolute) ? absolute : null
            : Uri.TryCreate(location, UriKind.Relative, out var relative) && Uri.TryCreate(current, relative, out var combined) ? combined : null;
        if (resolved is not null && resolved.Scheme is "http" or "https")
        {
            next = resolved;
        }

        return true;
    }

    /// <summary>Go's URL.IsAbs: the reference starts with a scheme.</summary>
    private static bool IsAbsolute(string reference)
    {
        var colon = reference.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && char.IsAsciiLetter(reference[0]) &&
            reference.AsSpan(1, colon - 1).IndexOfAnyExcept(SchemeChars) < 0;
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxBodyBytes];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, filled);
    }

    private static string Describe(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is ProbeDialException dial)
            {
                return dial.Message;
            }
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.ResponseEnded => "EOF",
            HttpRequestError.SecureConnectionError => "tls: " + Innermost(e).Message,
            HttpRequestError.InvalidResponse => "net/http: HTTP/1.x transport connection broken: malformed HTTP response: " + Innermost(e).Message,
            _ => Innermost(e) is SocketException s ? GoText.ReadError(s) : Innermost(e).Message,
        };
    }

    private static string DescribeIo(IOException e) => Innermost(e) switch
    {
        SocketException s => GoText.ReadError(s),
        AuthenticationException a => "tls: " + a.Message,
        var other => other.Message,
    };

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
