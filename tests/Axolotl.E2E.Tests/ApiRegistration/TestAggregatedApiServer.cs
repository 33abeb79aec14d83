using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Axolotl.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.E2E.Tests.ApiRegistration;

/// <summary>
/// A small aggregated API server on a free port of the given address of this host: HTTPS with a serving certificate from a CA of its own for
/// SERVICE.NAMESPACE.svc, serving /apis/GROUP/VERSION (an APIResourceList with one namespaced resource, flunders),
/// a list and a get of one flunder, a watch that sends one event and holds the stream open, a redirect, an exec
/// that upgrades to a WebSocket and echoes, and its OpenAPI v3 (index and document). It
/// records each request's identity headers and the client certificate the caller presented.
/// </summary>
public sealed class TestAggregatedApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestPki _pki;
    private bool _stopped;

    private TestAggregatedApiServer(WebApplication app, TestPki pki, IPAddress address, int port)
    {
        _app = app;
        _pki = pki;
        Address = address;
        Port = port;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    /// <summary>The serving CA as an APIService's caBundle (base64 PEM).</summary>
    public string CaBundle => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_pki.Ca.ExportCertificatePem()));

    /// <summary>Each request: path and query, X-Remote-User, X-Remote-Group values, and the client certificate's subject and issuer.</summary>
    public ConcurrentQueue<(string Path, string? User, string[] Groups, string? ClientSubject, string? ClientIssuer)> Requests { get; } = new();

    /// <summary>The client certificate of the last request that presented one (the front proxy's, checked against the published CA).</summary>
    public X509Certificate2? LastClientCertificate { get; private set; }

    public static async Task<TestAggregatedApiServer> StartAsync(IPAddress address, string group, string version, string serverName)
    {
        var pki = new TestPki("aggregated-api-ca");
        var serving = pki.Serving("aggregated-api", dnsNames: [serverName]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = serving,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));
        var app = builder.Build();
        app.UseWebSockets();
        TestAggregatedApiServer? server = null;
        var prefix = $"/apis/{group}/{version}";
        app.Run(async ctx =>
        {
            var certificate = ctx.Connection.ClientCertificate;
            if (certificate is not null)
            {
                server!.LastClientCertificate = certificate;
            }
            server!.Requests.Enqueue((ctx.Request.Path + ctx.Request.QueryString, ctx.Request.Headers["X-Remote-User"].FirstOrDefault(),
                [.. ctx.Request.Headers["X-Remote-Group"].Select(g => g ?? "")], certificate?.GetNameInfo(X509NameType.SimpleName, false),
                certificate?.GetNameInfo(X509NameType.SimpleName, true)));
            var path = ctx.Request.Path.Value ?? "";
            ctx.Response.ContentType = "application/json";
            if (path.EndsWith("/exec", StringComparison.Ordinal) && ctx.WebSockets.IsWebSocketRequest)
            {
                await EchoAsync(ctx);
            }
            else if (path == "/openapi/v3")
            {
                await ctx.Response.WriteAsync(new JsonObject
                {
                    ["paths"] = new JsonObject { [prefix[1..]] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3{prefix}?hash=1" } },
                }.ToJsonString(), ctx.RequestAborted);
            }
            else if (path == "/openapi/v3" + prefix)
            {
                await ctx.Response.WriteAsync(OpenApi(group, version).ToJsonString(), ctx.RequestAborted);
            }
            else if (path == prefix)
            {
                await ctx.Response.WriteAsync(ResourceList(group, version).ToJsonString(), ctx.RequestAborted);
            }
            else if (path.EndsWith("/flunders", StringComparison.Ordinal) && ctx.Request.Query["watch"] == "true")
            {
                await ctx.Response.WriteAsync(new JsonObject { ["type"] = "ADDED", ["object"] = Flunder(group, version, "default", "one") }.ToJsonString() + "\n", ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                try
                {
                    // Held open as a watch is, until the client (or the proxy in between) goes.
                    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
            }
            else if (path.EndsWith("/flunders", StringComparison.Ordinal))
            {
                var ns = path.Split('/') is [.., "namespaces", var n, "flunders"] ? n : "default";
                await ctx.Response.WriteAsync(new JsonObject
                {
                    ["apiVersion"] = $"{group}/{version}",
                    ["kind"] = "FlunderList",
                    ["metadata"] = new JsonObject { ["resourceVersion"] = "7" },
                    ["items"] = new JsonArray(Flunder(group, version, ns, "one")),
                }.ToJsonString(), ctx.RequestAborted);
            }
            else if (path.Split('/') is [.., "namespaces", var ns, "flunders", var name])
            {
                await ctx.Response.WriteAsync(Flunder(group, version, ns, name).ToJsonString(), ctx.RequestAborted);
            }
            else if (path.EndsWith("/redirect", StringComparison.Ordinal))
            {
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = "https://127.0.0.1:1/elsewhere";
            }
            else
            {
                ctx.Response.StatusCode = 404;
                await ctx.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""", ctx.RequestAborted);
            }
        });
        await app.StartAsync();
        server = new TestAggregatedApiServer(app, pki, address, new Uri(app.Urls.First()).Port);
        return server;
    }

    /// <summary>An exec-like stream: accepts the WebSocket with the first subprotocol asked for and sends every message back.</summary>
    private static async Task EchoAsync(HttpContext ctx)
    {
        var protocol = ctx.WebSockets.WebSocketRequestedProtocols.FirstOrDefault();
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(protocol);
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, ctx.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ctx.RequestAborted);
                return;
            }
            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, ctx.RequestAborted);
        }
    }

    /// <summary>The OpenAPI v3 document of the group/version, as k8s.io/apiserver serves one: Flunder's schema with its GVK and descriptions.</summary>
    private static JsonObject OpenApi(string group, string version) => new()
    {
        ["openapi"] = "3.0.0",
        ["info"] = new JsonObject { ["title"] = "wardle", ["version"] = version },
        // kubectl explain finds the kind of a resource through the GVK of its path's operation.
        ["paths"] = new JsonObject
        {
            [$"/apis/{group}/{version}/namespaces/{{namespace}}/flunders"] = new JsonObject
            {
                ["get"] = new JsonObject
                {
                    ["operationId"] = "listFlunders",
                    ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["kind"] = "Flunder", ["version"] = version },
                },
            },
        },
        ["components"] = new JsonObject
        {
            ["schemas"] = new JsonObject
            {
                ["com.example.wardle.Flunder"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "Flunder is served by the aggregated API server.",
                    ["properties"] = new JsonObject
                    {
                        ["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = "APIVersion of the object." },
                        ["kind"] = new JsonObject { ["type"] = "string", ["description"] = "Kind of the object." },
                        ["spec"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["description"] = "FlunderSpec is what a flunder wants.",
                            ["properties"] = new JsonObject { ["reference"] = new JsonObject { ["type"] = "string", ["description"] = "Reference names another flunder." } },
                        },
                    },
                    ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = group, ["kind"] = "Flunder", ["version"] = version }),
                },
            },
        },
    };

    private static JsonObject ResourceList(string group, string version) => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = $"{group}/{version}",
        ["resources"] = new JsonArray(new JsonObject
        {
            ["name"] = "flunders",
            ["singularName"] = "flunder",
            ["namespaced"] = true,
            ["kind"] = "Flunder",
            ["verbs"] = new JsonArray("get", "list", "watch"),
            ["shortNames"] = new JsonArray("fl"),
        }),
    };

    private static JsonObject Flunder(string group, string version, string ns, string name) => new()
    {
        ["apiVersion"] = $"{group}/{version}",
        ["kind"] = "Flunder",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = "2026-11-27T00:00:00Z", ["uid"] = "3f7d0c2e-0000-4000-8000-000000000001" },
        ["spec"] = new JsonObject { ["reference"] = "served by the aggregated API server" },
    };

    /// <summary>Stops serving (connections are refused from then on); safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _pki.Dispose();
    }
}
