using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Proxy.Routing;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Proxy.Tests;

/// <summary>
/// The whole proxy against the real API server: Services and EndpointSlices written through the API
/// reach the listeners and the routing. Only a node port on 127.0.0.1 is served (no interface), and
/// the cluster IPs, allocated from 10.96.0.0/16, fall outside the proxy's range so they are not bound.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ServiceProxyIntegrationTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private InProcessCluster? _cluster;
    private ServiceProxy? _proxy;
    private PodAddressLink? _podAddress;

    private KubeClient Client => _cluster!.Client;

    public async Task InitializeAsync()
    {
        // Backends stand in for pods on a pod-range address: validation refuses loopback endpoints.
        _podAddress = await PodAddressLink.CreateAsync();
        _cluster = await InProcessCluster.StartAsync();
        _proxy = await ServiceProxy.StartAsync(Client, new ServiceProxyOptions
        {
            NodeName = "node-1",
            ServiceCidr = "10.96.255.252/30",
            InterfaceName = null,
            NodePortAddresses = [IPAddress.Loopback],
            UseNodeAddresses = false,
        }, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
        await _proxy.WaitForSyncAsync(CancellationToken.None).WaitAsync(Deadline);
    }

    public async Task DisposeAsync()
    {
        await _proxy!.DisposeAsync();
        await _cluster!.DisposeAsync();
        await _podAddress!.DisposeAsync();
    }

    [RootFact]
    public async Task Slice_changes_through_the_api_steer_new_connections_and_a_deleted_service_stops_listening()
    {
        await using var a = new LoopbackBackend("a", _podAddress!.Address);
        await using var b = new LoopbackBackend("b", _podAddress!.Address);
        var frontend = await CreateWebServiceAsync();
        // Both backends listen on the pod address with different ports, so each gets a slice of its own (one port per slice).
        var sliceA = await Client.CreateAsync(Slice("web-a", a.EndPoint, ready: true), CancellationToken.None);

        await Eventually.UntilAsync(() => ProxyClient.GreetingAsync(frontend.EndPoint), g => g == "a", "the node port answering from a");

        sliceA.Endpoints[0].Conditions = new EndpointConditions { Ready = false, Serving = false, Terminating = false };
        await Client.UpdateAsync(sliceA, CancellationToken.None);
        await Eventually.UntilAsync(() => ProxyClient.GreetingAsync(frontend.EndPoint), g => g is null, "a refusal once a is not ready");

        await Client.CreateAsync(Slice("web-b", b.EndPoint, ready: true), CancellationToken.None);
        await Eventually.UntilAsync(() => ProxyClient.GreetingAsync(frontend.EndPoint), g => g == "b", "b answering");

        await Client.DeleteAsync<Service>("default", "web", null, CancellationToken.None);
        await Eventually.UntilAsync(() => Task.FromResult(_proxy!.Listening.Contains(frontend)), listening => !listening, "the node port closed");
        Assert.Empty(_proxy!.Snapshot.Routes);
    }

    [RootFact]
    public async Task A_service_port_without_endpoints_refuses_connections_as_kube_proxy_rejects_them()
    {
        await using var a = new LoopbackBackend("a", _podAddress!.Address);
        var frontend = await CreateWebServiceAsync();
        await Eventually.UntilAsync(() => Task.FromResult(_proxy!.Snapshot.Routes.Count), count => count == 1, "the Service routed");

        Assert.Equal(SocketError.ConnectionRefused, await ConnectErrorAsync(frontend));

        var slice = await Client.CreateAsync(Slice("web-a", a.EndPoint, ready: true), CancellationToken.None);
        await Eventually.UntilAsync(() => ProxyClient.GreetingAsync(frontend.EndPoint), g => g == "a", "the node port answering from a");

        slice.Endpoints[0].Conditions = new EndpointConditions { Ready = false, Serving = false, Terminating = false };
        await Client.UpdateAsync(slice, CancellationToken.None);
        await Eventually.UntilAsync(() => ConnectErrorAsync(frontend), e => e == SocketError.ConnectionRefused, "a refusal once a is not ready");
    }

    /// <summary>Creates the NodePort Service "web" (port "http", no selector: the tests write its slices); returns its node port on 127.0.0.1.</summary>
    private async Task<Frontend> CreateWebServiceAsync()
    {
        var service = await Client.CreateAsync(new Service
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Spec = new ServiceSpec { Type = "NodePort", Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
        }, CancellationToken.None);
        return new Frontend(IPAddress.Loopback, service.Spec!.Ports![0].NodePort!.Value);
    }

    /// <summary>How a connect ends: its socket error, or Success when it was accepted.</summary>
    private static async Task<SocketError> ConnectErrorAsync(Frontend frontend)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(frontend.EndPoint);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    private static EndpointSlice Slice(string name, IPEndPoint endPoint, bool ready) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["kubernetes.io/service-name"] = "web" } },
        AddressType = "IPv4",
        Ports = [new Api.Discovery.EndpointPort { Name = "http", Protocol = "TCP", Port = endPoint.Port }],
        Endpoints =
        [
            new Endpoint
            {
                Addresses = [endPoint.Address.ToString()],
                Conditions = new EndpointConditions { Ready = ready, Serving = ready, Terminating = false },
            },
        ],
    };
}
