using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Diagnostics;
using Axolotl.Proxy.Network;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Forwarding;

/// <summary>An endpoint connected for one client connection, with the Service port and route it was chosen from.</summary>
internal sealed record ConnectedEndpoint(Socket Backend, RouteEndpoint Endpoint, ServicePortName Service, ServiceRoute Route);

/// <summary>
/// Connects one client connection to an endpoint of its Service, racing endpoints as happy eyeballs
/// races addresses: a refused or unreachable endpoint hands over to the next at once; one still
/// connecting after <see cref="ForwarderOptions.ConnectTimeout"/> keeps going while the next starts
/// beside it, and the first to connect wins. A slow endpoint is never given up early: a pod whose
/// accept queue is full (a busy machine) still gets the connection when it is the only one, until
/// <see cref="ForwarderOptions.ConnectDeadline"/>. The snapshot is read afresh for each endpoint.
/// </summary>
internal sealed class EndpointConnector(
    Func<RoutingSnapshot> snapshot,
    EndpointPicker picker,
    ForwarderOptions options,
    TimeProvider time,
    ILogger logger)
{
    private int _markRefused;

    /// <summary>The connected endpoint, or null when none is left to try (the client is then reset).</summary>
    public async Task<ConnectedEndpoint?> ConnectAsync(Frontend frontend, IPAddress client, HashSet<IPEndPoint> tried, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(options.ConnectDeadline, time);
        using var race = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var pending = new List<Attempt>();
        var exhausted = false;
        var startNext = true;
        Task? stagger = null;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (deadline.IsCancellationRequested)
                {
                    exhausted = true;
                    stagger = null;
                }
                if (!exhausted && (startNext || pending.Count == 0 || stagger is { IsCompleted: true }))
                {
                    switch (Start(frontend, client, tried, race.Token))
                    {
                        case { Gone: true }:
                            return null;
                        case { Attempt: { } attempt }:
                            pending.Add(attempt);
                            break;
                        default:
                            exhausted = true;
                            break;
                    }
                    startNext = false;
                    stagger = exhausted ? null : Task.Delay(options.ConnectTimeout, time, race.Token);
                }
                if (pending.Count == 0)
                {
                    return null;
                }

                var done = await Task.WhenAny(stagger is null ? pending.Select(a => a.Connect) : pending.Select(a => a.Connect).Append(stagger));
                if (done == stagger)
                {
                    continue;
                }
                var finished = pending.First(a => a.Connect == done);
                pending.Remove(finished);
                if (finished.Connect.IsCompletedSuccessfully)
                {
                    return finished.Connected;
                }
                finished.Connected.Backend.Dispose();
                ct.ThrowIfCancellationRequested();
                picker.Failed(finished.Connected.Endpoint.EndPoint);
                var reason = finished.Connect.Exception?.InnerException is SocketException se ? se.SocketErrorCode.ToString() : "TimedOut";
                var name = finished.Connected.Endpoint.ToString();
                ProxyLog.ConnectFailed(logger, finished.Connected.Service, name, reason);
                startNext = true;
            }
        }
        finally
        {
            // The losers of the race, and every timer: nothing outlives this connect.
            await race.CancelAsync();
            foreach (var attempt in pending)
            {
                attempt.Connected.Backend.Dispose();
            }
        }
    }

    /// <summary>Starts a connect to the next endpoint the picker offers; Gone when the Service itself is no longer routed.</summary>
    private (bool Gone, Attempt? Attempt) Start(Frontend frontend, IPAddress client, HashSet<IPEndPoint> tried, CancellationToken ct)
    {
        while (tried.Count < options.MaxConnectAttempts)
        {
            if (!snapshot().TryResolve(frontend, out var target, out var route))
            {
                ProxyLog.NoService(logger, frontend);
                return (true, null);
            }
            var endpoint = picker.PickFor(route, route.For(target), client, tried);
            if (endpoint is null)
            {
                if (tried.Count == 0)
                {
                    ProxyLog.NoEndpoints(logger, target.Service, frontend);
                }
                return (false, null);
            }
            tried.Add(endpoint.EndPoint);
            if (options.AdmitConnection is { } admit && !admit(client, endpoint.EndPoint))
            {
                // NetworkPolicy: as if this client had connected to the endpoint itself, which the policy would drop.
                var denied = endpoint.ToString();
                var from = client.ToString();
                ProxyLog.PolicyDenied(logger, target.Service, denied, from);
                continue;
            }
            var backend = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (options.BackendMark?.Invoke(client, endpoint.EndPoint) is { } mark)
            {
                Mark(backend, mark);
            }
            var connect = backend.ConnectAsync(endpoint.EndPoint, ct).AsTask();
            // A loser's failure is never awaited: observe it here so it is not reported as unobserved.
            _ = connect.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return (false, new Attempt(new ConnectedEndpoint(backend, endpoint, target.Service, route), connect));
        }
        return (false, null);
    }

    /// <summary>Marks the socket; a refusal (no CAP_NET_ADMIN) is said once and the connection goes unmarked, from the node.</summary>
    private void Mark(Socket backend, int mark)
    {
        try
        {
            SocketMark.Set(backend, mark);
        }
        catch (SocketException e)
        {
            if (Interlocked.Exchange(ref _markRefused, 1) == 0)
            {
                ProxyLog.MarkRefused(logger, e.SocketErrorCode.ToString());
            }
        }
    }

    private sealed record Attempt(ConnectedEndpoint Connected, Task Connect);
}
