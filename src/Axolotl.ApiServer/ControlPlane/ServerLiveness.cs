using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.ControlPlane;

/// <summary>
/// Tells a candidate for the controller manager's or the scheduler's Lease that the process holding
/// it is gone, so it need not wait out the lease (15 s by default). Holder identities end in the
/// holding server's process UID, which its identity Lease maps to the address and port it serves on;
/// a server whose port refuses TCP connections has no process listening there, and its controllers,
/// which write through that same listener, cannot act either. Anything else (a connection accepted, a
/// timeout, an unreachable network during a partition, a holder without an address) proves nothing,
/// and the candidate waits out the lease as client-go does.
/// </summary>
/// <param name="networkNamespace">This process's <see cref="NetworkNamespace"/>: loopback endpoints published from another are not probed.</param>
public sealed partial class ServerLiveness(ObjectStore objects, string processUid, string? networkNamespace, TimeProvider clock, ILogger logger)
{
    /// <summary>A live server accepts at once; a partitioned one is given up on after this (and so counts as alive).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Probes of one server within this long share a result: two components campaign, each several times a second.</summary>
    public static readonly TimeSpan ProbeReuse = TimeSpan.FromMilliseconds(200);

    /// <summary>How often at most the identity Leases are read again to find a holder not yet seen.</summary>
    public static readonly TimeSpan LookupInterval = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, IPEndPoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<IPEndPoint, (long At, bool Refused)> _probes = [];
    private long? _lookedUpAt;

    /// <summary>This process's UID (its identity Lease's), to end the holder identities of the components it runs.</summary>
    public string ProcessUid => processUid;

    /// <summary>True only when the server of <paramref name="holderIdentity"/> is known to be gone: its port refuses connections.</summary>
    public async Task<bool> HasStoppedAsync(string holderIdentity, CancellationToken ct)
    {
        var separator = holderIdentity.LastIndexOf('_');
        if (separator < 0 || separator == holderIdentity.Length - 1)
        {
            return false;
        }
        var uid = holderIdentity[(separator + 1)..];
        if (uid == processUid || await EndpointOfAsync(uid, ct) is not { } endpoint)
        {
            return false;
        }
        if (!await RefusesAsync(endpoint, ct))
        {
            return false;
        }
        var address = endpoint.ToString();
        LogStopped(logger, holderIdentity, address);
        return true;
    }

    private async Task<IPEndPoint?> EndpointOfAsync(string uid, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_endpoints.TryGetValue(uid, out var known))
            {
                return known;
            }
            if (_lookedUpAt is { } at && clock.GetElapsedTime(at) < LookupInterval)
            {
                return null;
            }
            _lookedUpAt = clock.GetTimestamp();
        }
        StoreListResult list;
        try
        {
            list = await objects.ListAsync(KnownResources.Leases, ApiServerIdentityLease.Namespace, 0, null, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store is unreachable for now: unknown, so alive; the next lookup tries again.
            LogLookupFailed(logger, e.Message);
            return null;
        }
        lock (_lock)
        {
            foreach (var entry in list.Items)
            {
                if (Published(ObjectStore.Decode(entry).Object, networkNamespace) is { } published)
                {
                    _endpoints[published.Uid] = published.Endpoint;
                }
            }
            return _endpoints.GetValueOrDefault(uid);
        }
    }

    /// <summary>
    /// The process UID and liveness endpoint an identity Lease publishes; null when it publishes none, or
    /// a loopback one from a network namespace other than <paramref name="networkNamespace"/>.
    /// </summary>
    internal static (string Uid, IPEndPoint Endpoint)? Published(JsonObject lease, string? networkNamespace)
    {
        var meta = ObjectMetaRules.Meta(lease);
        if (Text((meta["labels"] as JsonObject)?[ApiServerIdentityLease.IdentityLabel]) != ApiServerIdentityLease.IdentityValue)
        {
            return null;
        }
        var holder = Text((lease["spec"] as JsonObject)?["holderIdentity"]);
        var annotations = meta["annotations"] as JsonObject;
        var separator = holder?.LastIndexOf('_') ?? -1;
        if (holder is null || separator < 0 || separator == holder.Length - 1
            || Text(annotations?[ApiServerIdentityLease.LivenessEndpointAnnotation]) is not { } text
            || !IPEndPoint.TryParse(text, out var endpoint)
            || endpoint.Port == 0)
        {
            return null;
        }
        if (IPAddress.IsLoopback(endpoint.Address)
            && (networkNamespace is null || Text(annotations?[ApiServerIdentityLease.NetworkNamespaceAnnotation]) != networkNamespace))
        {
            return null;
        }
        return (holder[(separator + 1)..], endpoint);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private async Task<bool> RefusesAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_probes.TryGetValue(endpoint, out var recent) && clock.GetElapsedTime(recent.At) < ProbeReuse)
            {
                return recent.Refused;
            }
        }
        var refused = await ConnectRefusedAsync(endpoint, ct);
        lock (_lock)
        {
            _probes[endpoint] = (clock.GetTimestamp(), refused);
        }
        return refused;
    }

    private async Task<bool> ConnectRefusedAsync(IPEndPoint endpoint, CancellationToken ct)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(ConnectTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await socket.ConnectAsync(endpoint, linked.Token);
            return false;
        }
        catch (SocketException e)
        {
            // Only a reset proves no listener; unreachable networks and hosts are what a partition looks like.
            return e.SocketErrorCode == SocketError.ConnectionRefused;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "could not read the API servers' identity leases: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "the server of lease holder {Holder} refuses connections at {Endpoint}: its process is gone")]
    private static partial void LogStopped(ILogger logger, string holder, string endpoint);
}
