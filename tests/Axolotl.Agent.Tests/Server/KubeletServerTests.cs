using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Agent.Logs;
using Axolotl.Agent.Server;
using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Runtime.Logs;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Server;

public sealed class KubeletServerTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private static readonly DateTimeOffset T0 = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-kubelet-").FullName;
    private readonly FakeRuntime _runtime = new(TimeProvider.System);
    private readonly Dictionary<string, ContainerHandle> _live = new(StringComparer.Ordinal);
    private KubeletServer _server = null!;
    private HttpClient _http = null!;

    private LogPaths Paths => new(_dir);

    public async Task InitializeAsync()
    {
        var backend = new TestBackend(new ContainerLogReader(Paths, TimeProvider.System), _runtime, _live);
        var serving = _pki.Serving("system:node:test", "system:nodes");
        _server = await KubeletServer.StartAsync(new KubeletServerOptions { Port = 0, BindAddress = IPAddress.Loopback, ServingCertificate = () => serving, ClientCa = _pki.Ca },
            backend, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        _http = ClientWith(_pki.Client("kube-apiserver-kubelet-client"));
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "web", "web"), CancellationToken.None);
        _live["app"] = await _runtime.StartAsync(sandbox, new ContainerSpec("uid-1", "app", ["/bin/app"], new Dictionary<string, string>(), null, ""), CancellationToken.None);
    }

    private HttpClient ClientWith(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        if (certificate is not null)
        {
            handler.ClientCertificates.Add(certificate);
        }
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{_server.Port}") };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _pki.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private void WriteInstance(int restart, params string[] lines)
    {
        var path = Paths.InstanceLog("uid-1", "app", restart);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, lines.Select((l, i) => LogLine.Format(T0.AddSeconds(i), "stdout", false, l)));
    }

    [Fact]
    public async Task Logs_serve_the_current_instance_with_tail_lines()
    {
        WriteInstance(0, "old");
        WriteInstance(1, "one", "two", "three");

        var response = await _http.GetAsync(new Uri("/containerLogs/default/web/app?tailLines=2", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("two\nthree\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Logs_previous_serves_the_earlier_instance_and_a_missing_one_is_a_bad_request_status()
    {
        WriteInstance(0, "before the crash");
        var missing = await _http.GetAsync(new Uri("/containerLogs/default/web/app?previous=true", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var status = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Equal("previous terminated container \"app\" in pod \"web\" not found", (string?)status["message"]);

        WriteInstance(1, "after");
        var previous = await _http.GetAsync(new Uri("/containerLogs/default/web/app?previous=true", UriKind.Relative));
        Assert.Equal("before the crash\n", await previous.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unknown_pods_are_not_found_and_requests_without_the_api_servers_certificate_are_refused()
    {
        var unknown = await _http.GetAsync(new Uri("/containerLogs/default/nope/app", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var anonymous = ClientWith(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/containerLogs/default/web/app", UriKind.Relative))).StatusCode);

        // Signed by another CA: not a cluster identity at all.
        using var otherPki = new TestPki("other-ca");
        using var stranger = ClientWith(otherPki.Client("kube-apiserver-kubelet-client"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync(new Uri("/containerLogs/default/web/app", UriKind.Relative))).StatusCode);

        // A node's own certificate is valid but does not let it use another node's kubelet.
        using var node = ClientWith(_pki.Client("system:node:other", "system:nodes"));
        var forbidden = await node.PostAsync(new Uri("/exec/default/web/app?command=ls&stdout=true", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("Forbidden (user=system:node:other, verb=create, resource=nodes, subresource(s)=[proxy])",
            (string?)JsonNode.Parse(await forbidden.Content.ReadAsStringAsync())!["message"]);
    }

    [Fact]
    public async Task Exec_streams_stdout_and_stderr_and_reports_a_non_zero_exit_code_on_channel_3()
    {
        _runtime.ExecHandler = (handle, spec) =>
        {
            Assert.Equal("app", handle.Name);
            Assert.Equal(["sh", "-c", "echo hi; exit 3"], spec.Command);
            FakeRuntime.Write(spec.Stdout, "hi\n");
            FakeRuntime.Write(spec.Stderr!, "oops\n");
            return 3;
        };

        using var socket = await ConnectAsync("command=sh&command=-c&command=echo%20hi%3B%20exit%203&stdout=true&stderr=true");
        var messages = await ReadAllAsync(socket);

        Assert.Equal("v5.channel.k8s.io", socket.SubProtocol);
        Assert.Equal("hi\n", Channel(messages, 1));
        Assert.Equal("oops\n", Channel(messages, 2));
        var status = JsonNode.Parse(Channel(messages, 3))!;
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("NonZeroExitCode", (string?)status["reason"]);
        Assert.Equal("ExitCode", (string?)status["details"]!["causes"]![0]!["reason"]);
        Assert.Equal("3", (string?)status["details"]!["causes"]![0]!["message"]);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task Exec_reads_the_Python_clients_True_and_False()
    {
        _runtime.ExecHandler = (_, spec) =>
        {
            FakeRuntime.Write(spec.Stdout, "out\n");
            Assert.Null(spec.Stderr);
            return 0;
        };

        using var socket = await ConnectAsync("command=ls&stdout=True&stderr=False&stdin=False&tty=False");
        var messages = await ReadAllAsync(socket);

        Assert.Equal("out\n", Channel(messages, 1));
        Assert.Equal("Success", (string?)JsonNode.Parse(Channel(messages, 3))!["status"]);
    }

    [Fact]
    public async Task Logs_read_booleans_as_kube_apiserver_does_and_refuse_a_bad_integer_with_Gos_message()
    {
        WriteInstance(0, "before the crash");
        WriteInstance(1, "after");

        var previous = await _http.GetAsync(new Uri("/containerLogs/default/web/app?previous=True&timestamps=FALSE", UriKind.Relative));
        Assert.Equal("before the crash\n", await previous.Content.ReadAsStringAsync());

        var bad = await _http.GetAsync(new Uri("/containerLogs/default/web/app?tailLines=ten", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("strconv.ParseInt: parsing \"ten\": invalid syntax", (string?)JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["message"]);
    }

    [Fact]
    public async Task Exec_passes_stdin_until_the_v5_close_signal_and_reports_success()
    {
        _runtime.ExecHandler = (_, spec) =>
        {
            using var reader = new StreamReader(spec.Stdin!);
            FakeRuntime.Write(spec.Stdout, reader.ReadToEnd().ToUpperInvariant());
            return 0;
        };

        using var socket = await ConnectAsync("command=cat&stdin=true&stdout=true&stderr=true");
        await socket.SendAsync(new byte[] { 0, (byte)'h', (byte)'i', (byte)'\n' }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.SendAsync(new byte[] { 255, 0 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var messages = await ReadAllAsync(socket);

        Assert.Equal("HI\n", Channel(messages, 1));
        Assert.Equal("Success", (string?)JsonNode.Parse(Channel(messages, 3))!["status"]);
    }

    [Fact]
    public async Task Exec_into_a_container_that_is_not_running_fails_on_channel_3()
    {
        _live.Remove("app");

        using var socket = await ConnectAsync("command=ls&stdout=true");
        var status = JsonNode.Parse(Channel(await ReadAllAsync(socket), 3))!;

        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("container not found (\"app\")", (string?)status["message"]);
    }

    [Fact]
    public async Task Exec_without_a_websocket_says_what_is_wrong_in_a_status()
    {
        var response = await _http.PostAsync(new Uri("/exec/default/web/app?command=ls&stdout=true", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("v5.channel.k8s.io", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("channel.k8s.io")]
    [InlineData("v4.channel.k8s.io")]
    public async Task Exec_without_a_subprotocol_or_with_the_older_binary_ones_streams_as_the_kubelet_does(string? protocol)
    {
        _runtime.ExecHandler = (_, spec) =>
        {
            FakeRuntime.Write(spec.Stdout, "hi\n");
            return spec.Command[0] == "fail" ? 2 : 0;
        };

        using var ok = await ConnectAsync("command=ok&stdout=true", protocol);
        var okMessages = await ReadAllAsync(ok);
        using var failed = await ConnectAsync("command=fail&stdout=true", protocol);
        var failedMessages = await ReadAllAsync(failed);

        Assert.Equal(protocol, ok.SubProtocol);
        Assert.Equal("hi\n", Channel(okMessages, 1));
        Assert.Equal("hi\n", Channel(failedMessages, 1));
        if (protocol == "v4.channel.k8s.io")
        {
            Assert.Equal("Success", (string?)JsonNode.Parse(Channel(okMessages, 3))!["status"]);
            Assert.Equal("2", (string?)JsonNode.Parse(Channel(failedMessages, 3))!["details"]!["causes"]![0]!["message"]);
        }
        else
        {
            // channel.k8s.io: nothing on channel 3 for success, a failure's message as text.
            Assert.DoesNotContain(okMessages, m => m[0] == 3);
            Assert.Equal("command terminated with non-zero exit code: command 'fail' exited with 2", Channel(failedMessages, 3));
        }
    }

    [Theory]
    [InlineData("base64.channel.k8s.io")]
    [InlineData("v4.base64.channel.k8s.io")]
    public async Task Exec_over_a_base64_subprotocol_decodes_stdin_and_encodes_output_in_text_frames(string protocol)
    {
        _runtime.ExecHandler = (_, spec) =>
        {
            var buffer = new byte[3];
            spec.Stdin!.ReadExactly(buffer);
            FakeRuntime.Write(spec.Stdout, Encoding.UTF8.GetString(buffer).ToUpperInvariant());
            return 0;
        };

        using var socket = await ConnectAsync("command=cat&stdin=true&stdout=true", protocol);
        await socket.SendAsync("0"u8.ToArray().Concat(Encoding.ASCII.GetBytes(Convert.ToBase64String("abc"u8))).ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var frames = await ReadFramesAsync(socket);

        Assert.Equal(protocol, socket.SubProtocol);
        Assert.All(frames, f => Assert.Equal(WebSocketMessageType.Text, f.Type));
        Assert.Contains(frames, f => f.Text == "1" + Convert.ToBase64String("ABC"u8));
        if (protocol.StartsWith("v4", StringComparison.Ordinal))
        {
            var status = frames.Single(f => f.Text[0] == '3').Text[1..];
            Assert.Equal("Success", (string?)JsonNode.Parse(Convert.FromBase64String(status))!["status"]);
        }
    }

    [Fact]
    public async Task Exec_with_only_unknown_subprotocols_is_refused_with_the_list_it_speaks()
    {
        var e = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync("command=ls&stdout=true", "v9.channel.k8s.io"));

        Assert.Contains("400", e.Message, StringComparison.Ordinal);
    }

    private async Task<ClientWebSocket> ConnectAsync(string query, string? protocol = "v5.channel.k8s.io")
    {
        var socket = new ClientWebSocket();
#pragma warning disable CA5359 // The test checks the agent's client authentication, not its certificate.
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        socket.Options.ClientCertificates = [_pki.Client("kube-apiserver-kubelet-client")];
        if (protocol is not null)
        {
            socket.Options.AddSubProtocol(protocol);
        }
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{_server.Port}/exec/default/web/app?{query}"), CancellationToken.None);
        return socket;
    }

    internal static async Task<List<byte[]>> ReadAllAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var messages = new List<byte[]>();
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                return messages;
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                messages.Add(message.ToArray());
                message.SetLength(0);
            }
        }
    }

    private static async Task<List<(WebSocketMessageType Type, string Text)>> ReadFramesAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var frames = new List<(WebSocketMessageType, string)>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                return frames;
            }
            Assert.True(result.EndOfMessage);
            frames.Add((result.MessageType, Encoding.ASCII.GetString(buffer, 0, result.Count)));
        }
    }

    internal static string Channel(List<byte[]> messages, byte channel) =>
        string.Concat(messages.Where(m => m.Length > 0 && m[0] == channel).Select(m => Encoding.UTF8.GetString(m, 1, m.Length - 1)));

    private sealed class TestBackend(ContainerLogReader logs, IContainerRuntime runtime, Dictionary<string, ContainerHandle> live) : IKubeletBackend
    {
        public ContainerLogReader Logs => logs;

        public IContainerRuntime Runtime => runtime;

        public Task<KubeletPod?> FindPodAsync(string ns, string name, CancellationToken ct) =>
            Task.FromResult(ns == "default" && name == "web"
                ? new KubeletPod("uid-1", "web", ["app"], c => live.GetValueOrDefault(c))
                : null);
    }
}
