using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.NodeProxy;

[Trait("Category", "Integration")]
public sealed class NodeProxyTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;
    private StubAgent _agent = null!;
    private HttpClient _http = null!;
    private TestPki _pki = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _pki = new TestPki(_cluster.Host.Pki.KubeletCa);
        _agent = await StubAgent.StartAsync(_pki.Serving("system:node:node-a", "system:nodes"));
        _http = _cluster.CreateHttpClient();
        await AddNodeAsync("node-a", _agent.Port);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _agent.DisposeAsync();
        _pki.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task AddNodeAsync(string name, int port)
    {
        var node = await _cluster.Client.CreateAsync(new Node { Metadata = new() { Name = name } }, CancellationToken.None);
        node.Status = new NodeStatus
        {
            Addresses = [new NodeAddress { Type = "InternalIP", Address = "127.0.0.1" }],
            DaemonEndpoints = new NodeDaemonEndpoints { KubeletEndpoint = new DaemonEndpoint { Port = port } },
        };
        await _cluster.Client.UpdateStatusAsync(node, CancellationToken.None);
    }

    private Task<Pod> AddPodAsync(string name, string? node, params string[] containers) =>
        _cluster.Client.CreateAsync(new Pod
        {
            Metadata = new() { Name = name, Namespace = "default" },
            Spec = new PodSpec { NodeName = node, Containers = [.. containers.Select(c => new Container { Name = c, Image = "busybox" })] },
        }, CancellationToken.None);

    private static async Task<JsonNode> StatusOf(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task Logs_are_streamed_from_the_nodes_agent_with_the_only_container_chosen_and_the_api_servers_client_certificate()
    {
        await AddPodAsync("web", "node-a", "app");

        var response = await _http.GetAsync(new Uri("/api/v1/namespaces/default/pods/web/log?tailLines=5", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("log of /containerLogs/default/web/app ?tailLines=5\n", await response.Content.ReadAsStringAsync());
        // No bearer token at all (nothing a node could replay); the API server's kubelet client certificate instead.
        Assert.Equal("", Assert.Single(_agent.Authorizations));
        Assert.Equal("CN=kube-apiserver-kubelet-client", Assert.Single(_agent.ClientSubjects));
    }

    [Fact]
    public async Task An_agent_without_the_nodes_certificate_gets_no_request()
    {
        // Node b claims the address of node a's agent; a self-signed listener claims node c.
        await using var impostor = await StubAgent.StartAsync();
        await AddNodeAsync("node-b", _agent.Port);
        await AddNodeAsync("node-c", impostor.Port);
        await AddPodAsync("on-b", "node-b", "app");
        await AddPodAsync("on-c", "node-c", "app");

        foreach (var pod in new[] { "on-b", "on-c" })
        {
            var response = await _http.GetAsync(new Uri($"/api/v1/namespaces/default/pods/{pod}/log", UriKind.Relative));
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.StartsWith("error dialing backend: ", (string?)(await StatusOf(response))["message"], StringComparison.Ordinal);
        }
        Assert.Empty(_agent.Authorizations);
        Assert.Empty(impostor.Authorizations);
    }

    [Fact]
    public async Task Logs_of_a_pod_with_several_containers_need_a_container_name()
    {
        await AddPodAsync("two", "node-a", "a", "b");

        var response = await _http.GetAsync(new Uri("/api/v1/namespaces/default/pods/two/log", UriKind.Relative));
        var invalid = await _http.GetAsync(new Uri("/api/v1/namespaces/default/pods/two/log?container=c", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("a container name must be specified for pod two, choose one of: [a b]", (string?)(await StatusOf(response))["message"]);
        Assert.Equal("container c is not valid for pod two", (string?)(await StatusOf(invalid))["message"]);
        Assert.Empty(_agent.Authorizations);
    }

    [Fact]
    public async Task Logs_of_missing_or_unscheduled_pods_fail_before_reaching_an_agent()
    {
        await AddPodAsync("pending", null, "app");

        var missing = await _http.GetAsync(new Uri("/api/v1/namespaces/default/pods/nope/log", UriKind.Relative));
        var pending = await _http.GetAsync(new Uri("/api/v1/namespaces/default/pods/pending/log", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("pods \"nope\" not found", (string?)(await StatusOf(missing))["message"]);
        Assert.Equal(HttpStatusCode.BadRequest, pending.StatusCode);
        Assert.Equal("pod pending does not have a host assigned", (string?)(await StatusOf(pending))["message"]);
    }

    [Fact]
    public async Task Agent_errors_pass_through_and_an_unreachable_agent_is_an_internal_error()
    {
        await AddPodAsync("web", "node-a", "app");
        var spdy = await _http.PostAsync(new Uri("/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, spdy.StatusCode);
        Assert.Equal("container not found (\"app\")", (string?)(await StatusOf(spdy))["message"]);

        await AddNodeAsync("node-gone", LoopbackPorts.Free());
        await AddPodAsync("lost", "node-gone", "app");
        var lost = await _http.GetAsync(new Uri("/api/v1/namespaces/default/pods/lost/log", UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, lost.StatusCode);
        Assert.StartsWith("error dialing backend: ", (string?)(await StatusOf(lost))["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_websockets_are_proxied_with_the_agents_subprotocol_in_both_directions()
    {
        await AddPodAsync("web", "node-a", "app");
        using var socket = new ClientWebSocket();
#pragma warning disable CA5359 // The test server's certificate is not in the trust store.
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        socket.Options.SetRequestHeader("Authorization", "Bearer " + _cluster.Host.Tokens.AdminToken);
        socket.Options.AddSubProtocol("v5.channel.k8s.io");
        var url = new Uri(_cluster.Host.LoopbackUrl.ToString().Replace("https://", "wss://", StringComparison.Ordinal) +
            "api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true&stdout=true&container=app");
        await socket.ConnectAsync(url, CancellationToken.None);
        await socket.SendAsync(new byte[] { 0, (byte)'h', (byte)'i' }, WebSocketMessageType.Binary, true, CancellationToken.None);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var received = new List<string>();
        var buffer = new byte[1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
            received.Add($"{buffer[0]}:{Encoding.UTF8.GetString(buffer, 1, result.Count - 1)}");
        }

        Assert.Equal("v5.channel.k8s.io", socket.SubProtocol);
        Assert.Equal(["1:hi", "3:{\"metadata\":{},\"status\":\"Success\"}"], received);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }
}
