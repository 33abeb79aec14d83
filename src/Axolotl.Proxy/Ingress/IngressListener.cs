using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Hosting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// One Kestrel listener of the Ingress controller (or of a Gateway's port) on one address and port: plain HTTP/1.1, or TLS with the
/// certificate chosen by SNI and HTTP/1.1 or HTTP/2 by ALPN. Each endpoint is its own host, so endpoints come and
/// go with the node's addresses (<see cref="IngressListenerSet"/>) without touching the others, and one that
/// cannot bind (80 taken, no privilege) throws <see cref="IOException"/> and leaves the rest serving.
/// Kestrel's limits answer bad input before any routing: a huge URL 414, a header flood 431, a body
/// over the limit 413, a client too slow with its headers is cut off.
/// </summary>
public sealed class IngressListener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngressListener(WebApplication app, IngressEndpoint endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The address and port bound.</summary>
    public IngressEndpoint Endpoint { get; }

    /// <summary>The port bound.</summary>
    public int Port => Endpoint.Port;

    /// <summary>Binds and serves <paramref name="endpoint"/>; throws <see cref="IOException"/> when it cannot be bound.</summary>
    public static async Task<IngressListener> StartAsync(IngressEndpoint endpoint, Func<string?, X509Certificate2>? certificates, IngressOptions options,
        Func<Microsoft.AspNetCore.Http.HttpContext, IHttpForwarder, Task> handle, ILoggerFactory logging, CancellationToken ct)
    {
        // A port held by another program is usually held for good, and this is retried: a plain bind says so
        // without building a web host each time.
        Probe(endpoint.EndPoint);
        var builder = EmbeddedWebHost.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(logging);
        builder.Services.AddHttpForwarder();
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var limits = kestrel.Limits;
            limits.MaxRequestLineSize = options.MaxRequestLineSize;
            limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
            limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
            limits.MaxRequestBodySize = options.MaxRequestBodySize;
            limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            limits.KeepAliveTimeout = options.KeepAliveTimeout;
            kestrel.Listen(endpoint.EndPoint, listen =>
            {
                if (certificates is null)
                {
                    listen.Protocols = HttpProtocols.Http1;
                    return;
                }
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, name) => certificates(name) });
            });
        });
        var app = builder.Build();
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Run(context => handle(context, forwarder));
        try
        {
            await app.StartAsync(ct);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
        {
            await app.DisposeAsync();
            throw new IOException(e.Message, e);
        }
        return new IngressListener(app, endpoint);
    }

    /// <summary>Throws <see cref="IOException"/> when the endpoint is taken (SO_REUSEADDR as Kestrel: a TIME_WAIT left by our own last listener is no obstacle).</summary>
    private static void Probe(IPEndPoint endPoint)
    {
        using var probe = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Network.SocketReuse.Address(probe);
            probe.Bind(endPoint);
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
