using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.ControlPlane;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.ControlPlane;

public sealed class ServerLivenessTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ObjectStore _objects = new(new InMemoryStore());
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public ServerLivenessTests()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    /// <summary>The listener's port, kept: once stopped, the listener no longer says.</summary>
    private int Port { get; }

    private const string Netns = "boot-1/net:[4026531840]";

    private ServerLiveness Liveness(string own = "own-uid") => new(_objects, own, Netns, _clock, NullLogger.Instance);

    [Fact]
    public async Task A_holder_is_gone_only_once_its_servers_port_refuses_connections()
    {
        await PublishAsync("apiserver-a", "uid-a", "127.0.0.1", Port);
        var liveness = Liveness();

        Assert.False(await liveness.HasStoppedAsync("host_uid-a", CancellationToken.None));

        _listener.Stop();
        // A probe's answer is reused for a moment; after it the port is asked again.
        Assert.False(await liveness.HasStoppedAsync("host_uid-a", CancellationToken.None));
        _clock.Advance(ServerLiveness.ProbeReuse);
        Assert.True(await liveness.HasStoppedAsync("host_uid-a", CancellationToken.None));
    }

    [Fact]
    public async Task This_servers_own_holders_are_never_gone()
    {
        _listener.Stop();
        await PublishAsync("apiserver-own", "own-uid", "127.0.0.1", Port);

        Assert.False(await Liveness().HasStoppedAsync("host_own-uid", CancellationToken.None));
    }

    [Fact]
    public async Task A_holder_without_a_published_address_or_of_another_form_is_not_known_to_be_gone()
    {
        _listener.Stop();
        await PublishAsync("apiserver-b", "uid-b", null, Port);
        var liveness = Liveness();

        Assert.False(await liveness.HasStoppedAsync("host_uid-b", CancellationToken.None));
        Assert.False(await liveness.HasStoppedAsync("no-underscore", CancellationToken.None));
        Assert.False(await liveness.HasStoppedAsync("host_", CancellationToken.None));
        Assert.False(await liveness.HasStoppedAsync("host_unknown", CancellationToken.None));
    }

    [Fact]
    public async Task A_holder_not_found_is_looked_up_again_only_after_the_lookup_interval()
    {
        _listener.Stop();
        var liveness = Liveness();
        Assert.False(await liveness.HasStoppedAsync("host_uid-c", CancellationToken.None));

        await PublishAsync("apiserver-c", "uid-c", "127.0.0.1", Port);
        Assert.False(await liveness.HasStoppedAsync("host_uid-c", CancellationToken.None));

        _clock.Advance(ServerLiveness.LookupInterval);
        Assert.True(await liveness.HasStoppedAsync("host_uid-c", CancellationToken.None));
    }

    [Fact]
    public async Task A_loopback_endpoint_published_from_another_network_namespace_is_never_probed()
    {
        _listener.Stop();
        await PublishAsync("apiserver-d", "uid-d", "127.0.0.1", Port, netns: "boot-2/net:[4026531840]");

        Assert.False(await Liveness().HasStoppedAsync("host_uid-d", CancellationToken.None));
    }

    [Fact]
    public void Only_identity_leases_with_an_endpoint_and_a_valid_port_are_read()
    {
        Assert.Equal(("u", new IPEndPoint(IPAddress.Parse("10.0.0.5"), 6443)), ServerLiveness.Published(Lease("x", "u", "10.0.0.5", "6443"), Netns));
        Assert.Equal(("u", new IPEndPoint(IPAddress.Parse("10.0.0.5"), 6443)), ServerLiveness.Published(Lease("x", "u", "10.0.0.5", "6443", "elsewhere"), Netns));
        Assert.Null(ServerLiveness.Published(Lease("x", "u", "127.0.0.1", "6443", "elsewhere"), Netns));
        Assert.Null(ServerLiveness.Published(Lease("x", "u", "127.0.0.1", "6443"), null));
        Assert.Null(ServerLiveness.Published(Lease("x", "u", "10.0.0.5", "0"), Netns));
        Assert.Null(ServerLiveness.Published(Lease("x", "u", "10.0.0.5", "65536"), Netns));
        Assert.Null(ServerLiveness.Published(Lease("x", "u", "10.0.0.5", "-1"), Netns));
        Assert.Null(ServerLiveness.Published(Lease("x", "u", "not-an-address", "6443"), Netns));
        var unlabelled = Lease("x", "u", "10.0.0.5", "6443");
        ((JsonObject)unlabelled["metadata"]!).Remove("labels");
        Assert.Null(ServerLiveness.Published(unlabelled, Netns));
        var numericHolder = Lease("x", "u", "10.0.0.5", "6443");
        numericHolder["spec"]!["holderIdentity"] = 42;
        Assert.Null(ServerLiveness.Published(numericHolder, Netns));
    }

    public void Dispose() => _listener.Dispose();

    private async Task PublishAsync(string name, string uid, string? address, int port, string netns = Netns) =>
        await _objects.CreateAsync(KnownResources.Leases, Lease(name, uid, address, port.ToString(System.Globalization.CultureInfo.InvariantCulture), netns), CancellationToken.None);

    private static JsonObject Lease(string name, string uid, string? address, string port, string netns = Netns)
    {
        var annotations = new JsonObject { [ApiServerIdentityLease.NetworkNamespaceAnnotation] = netns };
        if (address is not null)
        {
            annotations[ApiServerIdentityLease.LivenessEndpointAnnotation] = $"{address}:{port}";
        }
        return new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ApiServerIdentityLease.Namespace,
                ["labels"] = new JsonObject { [ApiServerIdentityLease.IdentityLabel] = ApiServerIdentityLease.IdentityValue },
                ["annotations"] = annotations,
            },
            ["spec"] = new JsonObject { ["holderIdentity"] = $"{name}_{uid}", ["leaseDurationSeconds"] = 3600 },
        };
    }
}
