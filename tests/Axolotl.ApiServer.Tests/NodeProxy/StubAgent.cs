using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Axolotl.ApiServer.Tests.NodeProxy;

/// <summary>
/// A stand-in node agent on loopback HTTPS with the given serving certificate: logs answer with what
/// they were asked, exec echoes the first stdin message on stdout and ends with a Success Status on
/// channel 3. Records each request's Authorization header and client certificate subject.
/// </summary>
internal sealed class StubAgent : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubAgent(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public List<string> Authorizations { get; } = [];

    public List<string> ClientSubjects { get; } = [];

    /// <summary>An agent serving <paramref name="certificate"/>, or a self-signed one when null.</summary>
    public static async Task<StubAgent> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate ?? Certificate(),
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));
        var app = builder.Build();
        app.UseWebSockets();
        StubAgent? self = null;
        app.Run(async ctx =>
        {
            var path = ctx.Request.Path.Value ?? "";
            if (path.StartsWith("/stats/", StringComparison.Ordinal) || path.StartsWith("/metrics", StringComparison.Ordinal))
            {
                // The API server's resource-metrics scraper visits every node in the background: not what a test sent.
                ctx.Response.StatusCode = 404;
                return;
            }
            self!.Authorizations.Add(ctx.Request.Headers.Authorization.ToString());
            self.ClientSubjects.Add(ctx.Connection.ClientCertificate?.Subject ?? "");
            if (path.StartsWith("/containerLogs/", StringComparison.Ordinal))
            {
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync($"log of {path} {ctx.Request.QueryString}\n");
                return;
            }
            if (path.StartsWith("/exec/", StringComparison.Ordinal) && ctx.WebSockets.IsWebSocketRequest)
            {
                using var ws = await ctx.WebSockets.AcceptWebSocketAsync("v5.channel.k8s.io");
                var buffer = new byte[1024];
                var received = await ws.ReceiveAsync(buffer, CancellationToken.None);
                buffer[0] = 1;
                await ws.SendAsync(buffer.AsMemory(0, received.Count), WebSocketMessageType.Binary, true, CancellationToken.None);
                await ws.SendAsync(Encoding.UTF8.GetBytes("\u0003{\"metadata\":{},\"status\":\"Success\"}"), WebSocketMessageType.Binary, true, CancellationToken.None);
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }
            ctx.Response.StatusCode = 404;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"container not found (\"app\")","reason":"NotFound","code":404}""");
        });
        await app.StartAsync();
        self = new StubAgent(app, new Uri(app.Urls.First()).Port);
        return self;
    }

    private static X509Certificate2 Certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=stub-agent", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
