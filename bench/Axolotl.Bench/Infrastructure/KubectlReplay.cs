using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// kubectl's own floor for a command: a plain-HTTP loopback server that answers each GET (path, query and Accept)
/// with what the real server answered the first time it was asked, from memory after that. kubectl run against it
/// once (the warm-up, which also fills its discovery cache) records every answer; the runs after it take no server
/// time at all, so their wall time is what kubectl itself costs with the same answers: its decoding, its printing,
/// and its client-side rate limit (client-go's default 5 requests/s after a burst of 10, which a list of 20 pages
/// of 500 waits on whatever the server).
/// </summary>
internal sealed class KubectlReplay : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Task<(byte[] Body, string? ContentType, int Status)>> _answers = new(StringComparer.Ordinal);
    private readonly HttpListener _listener = new();
    private readonly ApiClient _server;
    private readonly Task _serving;
    private readonly CancellationTokenSource _stop = new();

    private KubectlReplay(ApiClient server, int port, string workDir)
    {
        _server = server;
        WorkDir = workDir;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        KubeconfigPath = Path.Combine(workDir, "kubeconfig");
        File.WriteAllText(KubeconfigPath, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: replay
              cluster:
                server: http://127.0.0.1:{{port}}
            contexts:
            - name: replay
              context:
                cluster: replay
                user: replay
            users:
            - name: replay
              user: {}
            current-context: replay
            """);
        _serving = ServeAsync();
    }

    public string WorkDir { get; }

    public string KubeconfigPath { get; }

    /// <summary>How many distinct requests have been recorded.</summary>
    public int Recorded => _answers.Count;

    /// <summary>Starts a replay in front of <paramref name="server"/>, with its kubeconfig and kubectl's caches under <paramref name="workDir"/>.</summary>
    public static KubectlReplay Start(ApiClient server, string workDir)
    {
        Directory.CreateDirectory(workDir);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new KubectlReplay(server, port, workDir);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _ = AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var pathAndQuery = context.Request.RawUrl ?? "/";
            var accept = context.Request.Headers["Accept"];
            var key = $"{accept}\n{pathAndQuery}";
            var (body, contentType, status) = await _answers.GetOrAdd(key, _ => _server.FetchAsync(pathAndQuery, accept, _stop.Token));
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body, _stop.Token);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or HttpRequestException)
        {
            response.StatusCode = 502;
        }
        finally
        {
            response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        await _serving;
        _stop.Dispose();
    }
}
