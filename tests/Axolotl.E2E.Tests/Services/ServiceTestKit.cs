using System.Diagnostics;
using System.Net.Sockets;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Services;

/// <summary>Shared steps of the Service tests: manifests, jsonpath reads, and plain HTTP that opens a new connection each time.</summary>
internal static class ServiceTestKit
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    public static Task ApplyAsync(ServerFixture fx, string manifest) => fx.Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");

    public static async Task<string> JsonPathAsync(ServerFixture fx, string ns, string resource, string path) =>
        (await fx.Kubectl.OkAsync("get", resource, "-n", ns, "-o", $"jsonpath={path}")).Trim();

    public static Task<string> UntilJsonPathAsync(ServerFixture fx, string ns, string resource, string path, Func<string, bool> done, string what) =>
        Eventually.UntilAsync(() => JsonPathAsync(fx, ns, resource, path), done, what, Slow);

    /// <summary>http-hello pods (port 8080, "Hello from HOSTNAME") labelled app=APP.</summary>
    public static string HelloPods(string ns, string app, params string[] names) => string.Join("---\n", names.Select(name => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
          labels:
            app: {{app}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: web
            image: axolotl/http-hello
            ports:
            - name: http
              containerPort: 8080
            readinessProbe:
              httpGet:
                path: /
                port: http
              periodSeconds: 1
        """ + "\n"));

    /// <summary>
    /// A Deployment "web" of http-hello pods labelled app=web, serving on 8080 (port name http), ready when / answers,
    /// stopped within 1 s; ends with a newline so a "---" document can follow.
    /// </summary>
    public static string HelloDeployment(string ns, int replicas = 2) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {{ns}}
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: axolotl/http-hello
                ports:
                - {name: http, containerPort: 8080}
                readinessProbe:
                  httpGet: {path: /, port: http}
                  periodSeconds: 1

        """;

    /// <summary>A Service selecting app=<paramref name="app"/> with one port; starts with "---" so that it can follow pods in one manifest.</summary>
    public static string SelectorService(string ns, string name, string app, int port, string targetPort, string? portName = null, string? type = null) =>
        "---\n" + string.Join('\n', new[]
        {
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            $"  name: {name}",
            $"  namespace: {ns}",
            "spec:",
            type is null ? null : $"  type: {type}",
            "  selector:",
            $"    app: {app}",
            "  ports:",
            portName is null ? $"  - port: {port}" : $"  - name: {portName}\n    port: {port}",
            $"    targetPort: {targetPort}",
        }.Where(line => line is not null)) + "\n";

    /// <summary>Waits until every named pod is Ready.</summary>
    public static async Task UntilReadyAsync(ServerFixture fx, string ns, params string[] pods)
    {
        foreach (var pod in pods)
        {
            await UntilJsonPathAsync(fx, ns, $"pod/{pod}", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "True", $"{pod} Ready");
        }
    }

    /// <summary>One GET on a fresh connection; the body, or null when the connection failed.</summary>
    public static async Task<string?> GetAsync(string url)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ConnectionClose = true;
        try
        {
            using var response = await http.SendAsync(request);
            return (await response.Content.ReadAsStringAsync()).Trim();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The distinct bodies of <paramref name="count"/> GETs, each on its own connection.</summary>
    public static async Task<HashSet<string?>> AnswersAsync(string url, int count)
    {
        var answers = new HashSet<string?>();
        for (var i = 0; i < count; i++)
        {
            answers.Add(await GetAsync(url));
        }
        return answers;
    }

    /// <summary>How a plain TCP connect to host:port ends: "open", or the socket error, and how long it took.</summary>
    public static async Task<(string Outcome, TimeSpan Took)> ConnectAsync(string host, int port)
    {
        var clock = Stopwatch.StartNew();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token);
            var buffer = new byte[16];
            await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            return (read == 0 ? "closed" : "open", clock.Elapsed);
        }
        catch (SocketException e)
        {
            return (e.SocketErrorCode.ToString(), clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            return ("hang", clock.Elapsed);
        }
    }
}
