using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Testing;

/// <summary>
/// An admission webhook on a free loopback port, over HTTPS with a certificate from a CA of its own
/// (<see cref="CaBundle"/> is what a webhook configuration trusts). <c>handle</c> gets each request's
/// path and AdmissionReview and writes the answer; <see cref="Allow"/> and <see cref="Deny"/> write the usual ones.
/// </summary>
public sealed class TestWebhookServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestPki _pki;
    private int _disposed;

    private TestWebhookServer(WebApplication app, TestPki pki, int port)
    {
        _app = app;
        _pki = pki;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The CA's certificate as PEM, base64-encoded as a caBundle is in JSON and YAML.</summary>
    public string CaBundle => Convert.ToBase64String(Encoding.ASCII.GetBytes(_pki.Ca.ExportCertificatePem()));

    /// <summary>Every AdmissionReview received, in order, with the path it was sent to.</summary>
    public ConcurrentQueue<(string Path, JsonObject Review)> Received { get; } = new();

    public string Url(string path) => $"https://127.0.0.1:{Port}{path}";

    public static async Task<TestWebhookServer> StartAsync(Func<HttpContext, JsonObject, Task> handle, TestPki? pki = null)
    {
        pki ??= new TestPki("webhook-ca");
        var serving = pki.Serving("webhook");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serving)));
        var app = builder.Build();
        TestWebhookServer? server = null;
        app.Run(async ctx =>
        {
            var review = (await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted))!.AsObject();
            server!.Received.Enqueue((ctx.Request.Path + ctx.Request.QueryString, review));
            await handle(ctx, review);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        server = new TestWebhookServer(app, pki, new Uri(address).Port);
        return server;
    }

    /// <summary>Allows the request, with a JSON patch (as its JSON text) and warnings when given.</summary>
    public static Task Allow(HttpContext ctx, JsonObject review, string? patch = null, params string[] warnings)
    {
        var response = new JsonObject { ["uid"] = review["request"]!["uid"]!.GetValue<string>(), ["allowed"] = true };
        if (patch is not null)
        {
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch));
        }
        if (warnings.Length > 0)
        {
            response["warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode?)w)]);
        }
        return Answer(ctx, review, response);
    }

    /// <summary>Refuses the request with this status code and message.</summary>
    public static Task Deny(HttpContext ctx, JsonObject review, int code, string message) =>
        Answer(ctx, review, new JsonObject
        {
            ["uid"] = review["request"]!["uid"]!.GetValue<string>(),
            ["allowed"] = false,
            ["status"] = new JsonObject { ["code"] = code, ["message"] = message },
        });

    private static async Task Answer(HttpContext ctx, JsonObject review, JsonObject response)
    {
        ctx.Response.ContentType = "application/json";
        var body = new JsonObject { ["apiVersion"] = review["apiVersion"]!.GetValue<string>(), ["kind"] = "AdmissionReview", ["response"] = response };
        await ctx.Response.WriteAsync(body.ToJsonString(), ctx.RequestAborted);
    }

    /// <summary>Stops the server; a second call does nothing (a test may stop it early and dispose it again on the way out).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
        _pki.Dispose();
    }
}
