using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// One Kestrel listener of the Ingress controller: plain HTTP/1.1, or TLS with the certificate chosen by
/// SNI and HTTP/1.1 or HTTP/2 by ALPN. Each port is its own host so that one that cannot bind (80 taken,
/// no privilege) leaves the other serving: a failed bind is a warning and a null, never a crash.
/// Kestrel's limits answer bad input before any routing: a huge URL 414, a header flood 431, a body
/// over the limit 413, a client too slow with its headers is cut off.
/// </summary>
public sealed class IngressListener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngressListener(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port bound.</summary>
    public int Port { get; }

    public static async Task<IngressListener?> StartAsync(int port, Func<string?, X509Certificate2>? certificates, IngressOptions options, IngressRequestHandler handler,
        ILoggerFactory logging, CancellationToken ct)
    {
        var logger = logging.CreateLogger<IngressListener>();
        var builder = WebApplication.CreateSlimBuilder();
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
            kestrel.Listen(options.BindAddress, port, listen =>
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
        app.Run(context => handler.HandleAsync(context, forwarder));
        try
        {
            await app.StartAsync(ct);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
        {
            IngressLog.BindFailed(logger, options.BindAddress.ToString(), port, e.Message);
            await app.DisposeAsync();
            return null;
        }
        return new IngressListener(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
