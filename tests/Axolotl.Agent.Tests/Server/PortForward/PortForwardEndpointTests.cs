using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Axolotl.Agent.Logs;
using Axolotl.Agent.Server;
using Axolotl.Agent.Server.PortForward;
using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Server.PortForward;

/// <summary>/portForward on a real kubelet endpoint, dialling a loopback listener as the "pod".</summary>
public sealed class PortForwardEndpointTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-portforward-").FullName;
    private readonly FakeRuntime _runtime = new(TimeProvider.System);
    private readonly Dictionary<string, ContainerHandle> _live = new(StringComparer.Ordinal);
    private KubeletServer _server = null!;

    public async Task InitializeAsync()
    {
        var backend = new Backend(new ContainerLogReader(new LogPaths(_dir), TimeProvider.System), _runtime, _live);
        var serving = _pki.Serving("system:node:test", "system:nodes");
        var options = new KubeletServerOptions
        {
            Port = 0,
            BindAddress = IPAddress.Loopback,
            ServingCertificate = () => serving,
            ClientCa = _pki.Ca,
            PortForward = new PortForwardOptions { Wait = TimeSpan.Zero, RetryInterval = TimeSpan.Zero },
        };
        _server = await KubeletServer.StartAsync(options, backend, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "web", "web"), CancellationToken.None);
        _live["app"] = await _runtime.StartAsync(sandbox, new ContainerSpec("uid-1", "app", ["/bin/app"], new Dictionary<string, string>(), null, ""), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ClientWebSocket> ConnectAsync(int port, string uid = "uid-1")
    {
        var socket = new ClientWebSocket();
#pragma warning disable CA5359 // The agent's certificate is self-signed by design.
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        socket.Options.ClientCertificates = [_pki.Client("kube-apiserver-kubelet-client")];
        socket.Options.AddSubProtocol(PortForwardProtocol.SubProtocol);
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{_server.Port}/portForward/default/web?port={port}&uid={uid}&podIP=127.0.0.1"), CancellationToken.None);
        return socket;
    }

    [Fact]
    public async Task Bytes_flow_both_ways_and_the_pods_close_closes_the_websocket()
    {
        using var pod = new TcpListener(IPAddress.Loopback, 0);
        pod.Start();
        var serving = Task.Run(async () =>
        {
            using var connection = await pod.AcceptTcpClientAsync();
            var stream = connection.GetStream();
            using var reader = new StreamReader(stream, leaveOpen: true);
            var request = await reader.ReadToEndAsync(); // Ends at the client's half-close.
            await stream.WriteAsync(Encoding.UTF8.GetBytes("got " + request));
        });
        using var socket = await ConnectAsync(((IPEndPoint)pod.LocalEndpoint).Port);

        await socket.SendAsync((byte[])[PortForwardProtocol.Data, .. "hello"u8.ToArray()], WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.SendAsync((byte[])[PortForwardProtocol.EndOfInput], WebSocketMessageType.Binary, true, CancellationToken.None);
        var messages = await KubeletServerTests.ReadAllAsync(socket);
        await serving;

        Assert.Equal("got hello", KubeletServerTests.Channel(messages, PortForwardProtocol.Data));
        Assert.Equal("", KubeletServerTests.Channel(messages, PortForwardProtocol.Error));
    }

    [Fact]
    public async Task A_refused_port_of_a_pod_whose_containers_run_their_first_instance_is_reported_at_once_like_kubelet()
    {
        int port;
        using (var closed = new TcpListener(IPAddress.Loopback, 0))
        {
            closed.Start();
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }
        using var socket = await ConnectAsync(port);

        var messages = await KubeletServerTests.ReadAllAsync(socket);

        Assert.Equal($"error forwarding port {port} to pod web, uid uid-1: dial tcp 127.0.0.1:{port}: connect: connection refused",
            KubeletServerTests.Channel(messages, PortForwardProtocol.Error));
    }

    [Fact]
    public async Task Another_pod_with_the_same_name_is_not_found()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        handler.ClientCertificates.Add(_pki.Client("kube-apiserver-kubelet-client"));
        using var http = new HttpClient(handler);

        var response = await http.GetAsync(new Uri($"https://127.0.0.1:{_server.Port}/portForward/default/web?port=80&uid=uid-2&podIP=127.0.0.1"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("pod \\\"default/web\\\" not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private sealed class Backend(ContainerLogReader logs, IContainerRuntime runtime, Dictionary<string, ContainerHandle> live) : IKubeletBackend
    {
        public ContainerLogReader Logs => logs;

        public IContainerRuntime Runtime => runtime;

        public Task<KubeletPod?> FindPodAsync(string ns, string name, CancellationToken ct) =>
            Task.FromResult(ns == "default" && name == "web" ? new KubeletPod("uid-1", "web", ["app"], c => live.GetValueOrDefault(c)) : null);
    }
}
