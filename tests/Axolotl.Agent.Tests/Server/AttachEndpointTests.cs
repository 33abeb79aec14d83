using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Agent.Logs;
using Axolotl.Agent.Server;
using Axolotl.Api.Core;
using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Server;

/// <summary>The agent's /attach: the channel protocol, the kubelet's choices (tty from the spec, stdin only for a container with one) and its errors.</summary>
public sealed class AttachEndpointTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-attach-").FullName;
    private readonly FakeRuntime _runtime = new(TimeProvider.System);
    private readonly Dictionary<string, ContainerHandle> _live = new(StringComparer.Ordinal);
    private readonly List<Container> _specs =
    [
        new() { Name = "app", Image = "busybox", Stdin = true },
        new() { Name = "term", Image = "busybox", Stdin = true, Tty = true },
        new() { Name = "quiet", Image = "busybox" },
    ];
    private KubeletServer _server = null!;

    public async Task InitializeAsync()
    {
        var backend = new Backend(new ContainerLogReader(new LogPaths(_dir), TimeProvider.System), _runtime, _live, _specs);
        var serving = _pki.Serving("system:node:test", "system:nodes");
        _server = await KubeletServer.StartAsync(new KubeletServerOptions { Port = 0, BindAddress = IPAddress.Loopback, ServingCertificate = () => serving, ClientCa = _pki.Ca },
            backend, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "web", "web"), CancellationToken.None);
        foreach (var name in new[] { "app", "term", "quiet" })
        {
            _live[name] = await _runtime.StartAsync(sandbox, new ContainerSpec("uid-1", name, ["/bin/app"], new Dictionary<string, string>(), null, ""), CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        _pki.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Stdin_reaches_the_session_and_its_output_comes_back_on_the_channels_then_success()
    {
        _runtime.AttachHandler = async (handle, spec, ct) =>
        {
            Assert.Equal("app", handle.Name);
            Assert.Null(spec.Resize);
            using var reader = new StreamReader(spec.Stdin!);
            var line = await reader.ReadToEndAsync(ct);
            await spec.Stdout!.WriteAsync(Encoding.UTF8.GetBytes("got " + line), ct);
            await spec.Stderr!.WriteAsync("err\n"u8.ToArray(), ct);
        };
        // Go's boolean spellings, as the Python client sends them.
        using var socket = await ConnectAsync("app", "stdin=True&stdout=1&stderr=t", "v5.channel.k8s.io");

        await socket.SendAsync(new byte[] { 0, (byte)'h', (byte)'i', (byte)'\n' }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.SendAsync(new byte[] { 255, 0 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var messages = await KubeletServerTests.ReadAllAsync(socket);

        Assert.Equal("got hi\n", KubeletServerTests.Channel(messages, 1));
        Assert.Equal("err\n", KubeletServerTests.Channel(messages, 2));
        Assert.Equal("Success", (string?)JsonNode.Parse(KubeletServerTests.Channel(messages, 3))!["status"]);
    }

    [Fact]
    public async Task A_terminal_is_the_containers_own_setting_and_sizes_reach_the_runtime()
    {
        var sized = new TaskCompletionSource<TerminalSize>();
        _runtime.AttachHandler = async (_, spec, ct) =>
        {
            Assert.Null(spec.Stderr); // a terminal has one output stream
            await foreach (var size in spec.Resize!.ReadAllAsync(ct))
            {
                sized.TrySetResult(size);
                break;
            }
            await spec.Stdout!.WriteAsync("$ "u8.ToArray(), ct);
        };
        // kubectl asked for no tty; the container has one, so the session gets one anyway.
        using var socket = await ConnectAsync("term", "stdin=true&stdout=true&stderr=true", "v5.channel.k8s.io");

        await socket.SendAsync(Encoding.UTF8.GetBytes("\u0004{\"Width\":120,\"Height\":40}"), WebSocketMessageType.Binary, true, CancellationToken.None);
        var messages = await KubeletServerTests.ReadAllAsync(socket);

        Assert.Equal(new TerminalSize(120, 40), await sized.Task);
        Assert.Equal("$ ", KubeletServerTests.Channel(messages, 1));
        Assert.Equal("Success", (string?)JsonNode.Parse(KubeletServerTests.Channel(messages, 3))!["status"]);
    }

    [Fact]
    public async Task A_container_without_stdin_gets_no_stdin_and_a_runtime_failure_is_a_failure_status()
    {
        _runtime.AttachHandler = (_, spec, _) =>
        {
            Assert.Null(spec.Stdin);
            throw new InvalidOperationException("container quiet is not running");
        };
        using var socket = await ConnectAsync("quiet", "stdin=true&stdout=true", "v4.channel.k8s.io");

        var status = JsonNode.Parse(KubeletServerTests.Channel(await KubeletServerTests.ReadAllAsync(socket), 3))!;

        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal("error attaching to container: container quiet is not running", (string?)status["message"]);
    }

    [Theory]
    [InlineData("/attach/default/web/app?stdout=False&stderr=0", HttpStatusCode.BadRequest, "you must specify at least 1 of stdin, stdout, stderr")]
    [InlineData("/attach/default/web/app?stdin=false", HttpStatusCode.BadRequest, "you must specify at least 1 of stdin, stdout, stderr")]
    [InlineData("/attach/default/web/nope?stdout=true", HttpStatusCode.NotFound, "container not found (\"nope\")")]
    [InlineData("/attach/default/other/app?stdout=true", HttpStatusCode.NotFound, "pod \"default/other\" not found")]
    public async Task Bad_requests_are_refused_with_a_status(string path, HttpStatusCode code, string message)
    {
        using var http = Client();

        var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(code, response.StatusCode);
        Assert.Equal(message, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);
    }

    [Theory]
    [InlineData("{\"Width\":80,\"Height\":24}", 80, 24)]
    [InlineData("{\"Width\":70000,\"Height\":24}", null, null)]
    [InlineData("[1,2]", null, null)]
    [InlineData("not json", null, null)]
    public void Terminal_sizes_are_read_as_kubectl_sends_them_and_anything_else_is_dropped(string json, int? width, int? height)
    {
        var size = ClientStreams.ParseSize(Encoding.UTF8.GetBytes(json));

        Assert.Equal(width is null ? null : new TerminalSize((ushort)width, (ushort)height!), size);
    }

    private HttpClient Client()
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        handler.ClientCertificates.Add(_pki.Client("kube-apiserver-kubelet-client"));
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{_server.Port}") };
    }

    private async Task<ClientWebSocket> ConnectAsync(string container, string query, string protocol)
    {
        var socket = new ClientWebSocket();
#pragma warning disable CA5359 // The test checks the agent's endpoint, not its certificate.
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        socket.Options.ClientCertificates = [_pki.Client("kube-apiserver-kubelet-client")];
        socket.Options.AddSubProtocol(protocol);
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{_server.Port}/attach/default/web/{container}?{query}"), CancellationToken.None);
        Assert.Equal(protocol, socket.SubProtocol);
        return socket;
    }

    private sealed class Backend(ContainerLogReader logs, IContainerRuntime runtime, Dictionary<string, ContainerHandle> live, List<Container> specs) : IKubeletBackend
    {
        public ContainerLogReader Logs => logs;

        public IContainerRuntime Runtime => runtime;

        public Task<KubeletPod?> FindPodAsync(string ns, string name, CancellationToken ct) =>
            Task.FromResult(ns == "default" && name == "web"
                ? new KubeletPod("uid-1", "web", specs.Select(s => s.Name).ToList(), c => live.GetValueOrDefault(c)) { Specs = specs }
                : null);
    }
}
