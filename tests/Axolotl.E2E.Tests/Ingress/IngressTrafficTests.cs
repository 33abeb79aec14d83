using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Axolotl.E2E.Tests.Harness;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Ingress;

/// <summary>
/// Traffic that lives longer than one request behind the node's Ingress controller: a WebSocket over plain
/// HTTP and over TLS, and a stream of requests that sees no failure while `kubectl rollout restart`
/// replaces every pod behind it.
/// </summary>
public sealed class IngressTrafficTests(IngressServerFixture fx) : IClassFixture<IngressServerFixture>
{
    private static string Web(string ns, string host) => HelloDeployment(ns) + $$"""
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          ingressClassName: axolotl
          rules:
          - host: {{host}}
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: web
                    port:
                      number: 80
        """ + "\n" + SelectorService(ns, "web", "web", 80, "8080");

    private async Task<string> ServedAsync(string prefix)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        await ApplyAsync(fx, Web(ns, Host(ns)));
        await fx.Kubectl.OkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=90s");
        await Eventually.UntilAsync(() => IngressClient.GetAsync("http", Host(ns), fx.HttpPort, "/"),
            a => a is { Status: HttpStatusCode.OK }, "the Ingress routing to the web pods", Slow);
        return ns;
    }

    private static string Host(string ns) => $"web.{ns}.test";

    [Fact]
    public async Task A_websocket_is_upgraded_and_echoed_by_one_pod_over_http_and_over_tls()
    {
        var ns = await ServedAsync("ingress-ws");

        foreach (var (scheme, port) in new[] { ("ws", fx.HttpPort), ("wss", fx.HttpsPort) })
        {
            using var socket = await ConnectWebSocketAsync(new Uri($"{scheme}://{Host(ns)}:{port}/ws"), port);
            var first = await EchoAsync(socket, "hello");
            var second = await EchoAsync(socket, "again");

            // One upgraded connection stays on one pod: both echoes name the same one.
            Assert.Matches(@"^web-[a-z0-9]+-[a-z0-9]+: hello$", first);
            Assert.Equal(first.Split(':')[0] + ": again", second);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            Assert.Equal(WebSocketState.Closed, socket.State);
        }
    }

    [Fact]
    public async Task Rollout_restart_behind_the_ingress_fails_no_request()
    {
        var ns = await ServedAsync("ingress-roll");
        var before = await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}");

        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 3).Select(_ => RequestUntilAsync(Host(ns), stop.Token)).ToArray();
        await fx.Kubectl.OkAsync("rollout", "restart", "deployment/web", "-n", ns);
        await fx.Kubectl.OkAsync("rollout", "status", "deployment/web", "-n", ns, "--timeout=120s");
        // The old pods' graceful stop ends after the rollout reports done; keep asking until they are gone.
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}"),
            names => names.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: 2 } now && !now.Intersect(before.Split(' ')).Any(),
            "only the new pods left", Slow);
        await stop.CancelAsync();
        var results = await Task.WhenAll(clients);

        var answered = results.Sum(r => r.Answered);
        var failures = results.SelectMany(r => r.Failures).ToList();
        Assert.True(answered > 30, $"only {answered} requests were answered during the rollout");
        Assert.True(failures.Count == 0, $"{failures.Count} of {answered + failures.Count} requests failed: {string.Join("; ", failures.Take(5))}");
        var pods = results.SelectMany(r => r.Pods).ToHashSet();
        Assert.True(pods.Count >= 3, $"answers came from {string.Join(", ", pods)}: the rollout was not seen");
    }

    private sealed record ClientResult(int Answered, List<string> Failures, HashSet<string> Pods);

    /// <summary>A new connection per request, as a browser behind a proxy that does not pool would make.</summary>
    private async Task<ClientResult> RequestUntilAsync(string host, CancellationToken stop)
    {
        var answered = 0;
        var failures = new List<string>();
        var pods = new HashSet<string>();
        while (!stop.IsCancellationRequested)
        {
            var answer = await IngressClient.GetAsync("http", host, fx.HttpPort, "/");
            if (answer is { Status: HttpStatusCode.OK } && answer.Body.StartsWith("Hello from ", StringComparison.Ordinal))
            {
                answered++;
                pods.Add(answer.Body["Hello from ".Length..]);
            }
            else if (!stop.IsCancellationRequested)
            {
                failures.Add(answer is null ? $"{DateTime.UtcNow:HH:mm:ss.fff} no answer" : $"{DateTime.UtcNow:HH:mm:ss.fff} {(int)answer.Status} {answer.Body}");
            }
            await Task.Delay(20, CancellationToken.None);
        }
        return new ClientResult(answered, failures, pods);
    }

    private static async Task<ClientWebSocket> ConnectWebSocketAsync(Uri uri, int port)
    {
        // Not disposed here: the upgraded connection outlives this method, and disposing the handler could
        // close it. The socket's own Dispose closes the connection.
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
#pragma warning disable CA5359 // The controller's certificate for an unknown host is its self-signed fake one.
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
#pragma warning restore CA5359
        };
        var socket = new ClientWebSocket();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(uri, new HttpMessageInvoker(handler), timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> EchoAsync(ClientWebSocket socket, string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, received.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }
}
