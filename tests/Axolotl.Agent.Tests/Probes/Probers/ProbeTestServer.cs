using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Agent.Probes.Probers;
using Axolotl.Api.Core;
using Axolotl.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Tests.Probes.Probers;

/// <summary>A Kestrel server on 127.0.0.1 with a free port, for probers to talk to; disposing stops it.</summary>
internal sealed class ProbeTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProbeTestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ProbeTestServer> StartAsync(RequestDelegate handler, HttpProtocols protocols = HttpProtocols.Http1, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = protocols;
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new ProbeTestServer(app, new Uri(app.Urls.First()).Port);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>A port nothing listens on (bound once, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static ProbeTarget Target(params ContainerPort[] ports) =>
        new("127.0.0.1", new Container { Name = "app", Ports = [.. ports] }, new ContainerHandle("c-1", "pod-uid", "app", 0, DateTimeOffset.UnixEpoch, ""));
}
