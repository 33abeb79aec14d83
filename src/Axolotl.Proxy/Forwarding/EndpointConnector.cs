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
        // The common case, on every accept: the first endpoint connects within the stagger. It costs one
        // timer and no cancellation source, whose cancel would run its callbacks on another pool thread and
        // resume this connection there (a thread hop per connection, measured in ADR 0026).
        var started = time.GetTimestamp();
        var (gone, first) = Start(frontend, client, tried, ct);
        if (gone || first is null)
        {
            return null;
        }
        try
        {
            await first.Connect.WaitAsync(options.ConnectTimeout, time, ct);
            return first.Connected;
        }
        catch (TimeoutException)
        {
            return await RaceAsync(frontend, client, tried, [first], started, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            first.Connected.Backend.Dispose();
            Observe(first.Connect);
            throw;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Failed(first);
            return await RaceAsync(frontend, client, tried, [], started, ct);
        }
    }

    /// <summary>
    /// The first endpoint is slow (still in <paramref name="pending"/>) or failed: start the next one at once, then
    /// one more each <see cref="ForwarderOptions.ConnectTimeout"/> or failure, until one connects or
    /// <see cref="ForwarderOptions.ConnectDeadline"/> (from <paramref name="started"/>) passes.
    /// </summary>
    private async Task<ConnectedEndpoint?> RaceAsync(Frontend frontend, IPAddress client, HashSet<IPEndPoint> tried, List<Attempt> pending, long started,
        CancellationToken ct)
    {
        var left = options.ConnectDeadline - time.GetElapsedTime(started);
        using var deadline = new CancellationTokenSource(left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1), time);
        using var race = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        // Completes at the deadline (or shutdown): the first attempt was started without the race's token.
        var expired = Task.Delay(Timeout.InfiniteTimeSpan, time, race.Token);
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

                var connects = pending.Select(a => a.Connect).Append(expired);
                var done = await Task.WhenAny(stagger is null ? connects : connects.Append(stagger));
                if (done == expired)
                {
                    ct.ThrowIfCancellationRequested();
                    // Past the deadline: every endpoint still connecting has failed.
                    foreach (var attempt in pending)
                    {
                        Failed(attempt);
                        Observe(attempt.Connect);
                    }
                    pending.Clear();
                    return null;
                }
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
                if (ct.IsCancellationRequested)
                {
                    finished.Connected.Backend.Dispose();
                    ct.ThrowIfCancellationRequested();
                }
                Failed(finished);
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
                Observe(attempt.Connect);
            }
        }
    }

    /// <summary>A connect that failed: its socket closed, its endpoint quarantined and logged.</summary>
    private void Failed(Attempt failed)
    {
        failed.Connected.Backend.Dispose();
        picker.Failed(failed.Connected.Endpoint.EndPoint);
        var reason = failed.Connect.Exception?.InnerException is SocketException se ? se.SocketErrorCode.ToString() : "TimedOut";
        var name = failed.Connected.Endpoint.ToString();
        ProxyLog.ConnectFailed(logger, failed.Connected.Service, name, reason);
    }

    /// <summary>A connect nobody awaits any more: its failure is observed here so it is not reported as unobserved.</summary>
    private static void Observe(Task connect) =>
        _ = connect.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

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
            if (options.AdmitConnection is { } admit && !admit(client, endpoint.EndPoint, ProtocolType.Tcp))
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
                SocketMark.TrySet(backend, mark, ref _markRefused, logger);
            }
            var connect = backend.ConnectAsync(endpoint.EndPoint, ct).AsTask();
            return (false, new Attempt(new ConnectedEndpoint(backend, endpoint, target.Service, route), connect));
        }
        return (false, null);
    }

    private sealed record Attempt(ConnectedEndpoint Connected, Task Connect);
}
