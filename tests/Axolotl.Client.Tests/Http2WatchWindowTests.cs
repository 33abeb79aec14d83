using System.Net;
using System.Text;
using Axolotl.Api.Core;
using Axolotl.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Tests;

/// <summary>
/// A watch over HTTP/2 must not stall the server while the client is busy with an event: the server's in-process
/// informers share one connection, and with .NET's 64 KiB stream window they fell 20–30 s behind the watch cache
/// under load. The server here writes about 1 MiB of events at once while the client has read only the first.
/// </summary>
public sealed class Http2WatchWindowTests
{
    private const int Events = 300;

    [Fact]
    public async Task The_server_writes_a_megabyte_of_watch_events_while_the_client_holds_the_first()
    {
        using var pki = new TestPki("window-ca");
        var written = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(pki.Serving("api", addresses: [IPAddress.Loopback]));
        }));
        await using var app = builder.Build();
        app.Run(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            var padding = new string('x', 3400);
            for (var i = 0; i < Events; i++)
            {
                var line = "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p" + i
                    + "\",\"namespace\":\"default\",\"resourceVersion\":\"" + (i + 1) + "\",\"annotations\":{\"pad\":\"" + padding + "\"}}}}\n";
                await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), ctx.RequestAborted);
            }
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            written.TrySetResult(ctx.Request.Protocol);
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await app.StartAsync();
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = new Uri(app.Urls.First()),
            CertificateAuthorityPem = pki.Ca.ExportCertificatePem(),
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await using var events = client.Resource<Pod>().WatchAsync("default", null, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("p0", events.Current.Object!.Metadata.Name);

        // Nothing more is read: the server gets its writes done only if the stream's window holds them all.
        var finished = await Task.WhenAny(written.Task, Task.Delay(TimeSpan.FromSeconds(20), cts.Token));
        Assert.True(finished == written.Task, $"the server's writes of {Events} events (about 1 MiB) stalled while the client held the first event");
        Assert.Equal("HTTP/2", await written.Task);
        await cts.CancelAsync();
    }
}
