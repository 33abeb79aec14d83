using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// A pod deleted behind a Service leaves the endpoints, and the proxy stops giving it new
/// connections, before its container gets SIGTERM. The pods here keep serving after SIGTERM but
/// answer "terminating" on a connection that reached them after it: any such answer means the
/// proxy gave the pod a new connection once SIGTERM had come.
/// </summary>
[Collection(SharedServerCCollection.Name)]
public sealed class ZeroDropDeletionTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    // Serves on 8080 until SIGKILLed and answers "terminating" on a connection that reached it after
    // SIGTERM. "After" is judged at the accept, not at the answer: on a saturated machine a
    // connection made before SIGTERM can be served after it. The SIGTERM handler first accepts what
    // is already queued (those connections were made before it ran), then notes the signal; each
    // later accept reads the note before it calls accept(), so only a connection still to come
    // when the handler finished can be judged late.
    private const string TermAwareServer = """
        import http.server, signal, socket
        term = []
        late = set()
        class S(http.server.ThreadingHTTPServer):
            def get_request(self):
                after = bool(term)
                conn, addr = self.socket.accept()
                if after:
                    late.add(addr)
                return conn, addr
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.0'
            def do_GET(self):
                body = ('terminating' if self.client_address in late else 'Hello from ' + socket.gethostname()).encode()
                self.send_response(200)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        srv = S(('', 8080), H)
        def on_term(*_):
            srv.socket.setblocking(False)
            try:
                while True:
                    srv.process_request(*srv.socket.accept())
            except BlockingIOError:
                pass
            finally:
                srv.socket.setblocking(True)
            term.append(1)
        signal.signal(signal.SIGTERM, on_term)
        srv.serve_forever(poll_interval=0.05)
        """;

    [Fact]
    public async Task A_deleted_pod_gets_no_new_connection_after_its_sigterm_and_no_request_fails()
    {
        var ns = await fx.NewNamespaceAsync("zerodrop");
        await ApplyAsync(fx, Pod(ns, "web-a") + "---\n" + Pod(ns, "web-b") + SelectorService(ns, "web", "web", 80, "8080"));
        await UntilReadyAsync(fx, ns, "web-a", "web-b");
        var url = $"http://{await JsonPathAsync(fx, ns, "service/web", "{.spec.clusterIP}")}/";
        await Eventually.UntilAsync(() => AnswersAsync(url, 8), a => a.SetEquals(["Hello from web-a", "Hello from web-b"]), "both pods answering");

        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(_ => RequestUntilAsync(url, stop.Token)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        // The delete returns once the pod is gone: its 3 s grace ran (SIGTERM is ignored but noted) or less.
        await fx.Kubectl.OkAsync("delete", "pod", "web-a", "-n", ns);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await stop.CancelAsync();
        var answers = (await Task.WhenAll(clients)).SelectMany(a => a).ToList();

        Assert.Contains("Hello from web-a", answers);
        Assert.Contains("Hello from web-b", answers);
        Assert.DoesNotContain("terminating", answers);
        Assert.DoesNotContain(null, answers);
    }

    private static string Pod(string ns, string name) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels:
            app: web
        spec:
          terminationGracePeriodSeconds: 3
          containers:
          - name: web
            image: python:3.11-slim
            command: ["python3", "-c", {{System.Text.Json.JsonSerializer.Serialize(TermAwareServer)}}]
            ports:
            - containerPort: 8080
            readinessProbe:
              tcpSocket:
                port: 8080
              periodSeconds: 1
        """ + "\n";

    /// <summary>GETs one after another, each on a fresh connection, until stopped: every answer (null for a failure).</summary>
    private static async Task<List<string?>> RequestUntilAsync(string url, CancellationToken stop)
    {
        var answers = new List<string?>();
        while (!stop.IsCancellationRequested)
        {
            answers.Add(await GetAsync(url));
        }
        return answers;
    }
}
