using System.Net.Sockets;
using Axolotl.Proxy.Diagnostics;
using Axolotl.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Forwarding;

/// <summary>
/// Keeps one listener per wanted frontend: a <see cref="ProxyListener"/> for TCP, a
/// <see cref="Udp.UdpRelay"/> for UDP. A frontend whose bind fails (the port is
/// taken by another program, the address is not on this host yet) is reported once and retried on the
/// next reconcile; the others are unaffected.
/// </summary>
internal sealed class ListenerSet(Func<Frontend, IFrontendListener> open, ILogger logger) : IAsyncDisposable
{
    private readonly Dictionary<Frontend, IFrontendListener> _open = [];
    private readonly Dictionary<Frontend, string> _failed = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>TCP frontends handled by <paramref name="handle"/>; UDP ones by <paramref name="udp"/> (refused when null).</summary>
    public ListenerSet(Func<Socket, Frontend, CancellationToken, Task> handle, int backlog, TimeProvider time, ILogger logger, Udp.UdpForwarder? udp = null)
        : this(frontend => OpenListener(frontend, handle, backlog, time, udp, logger), logger)
    {
    }

    private static IFrontendListener OpenListener(Frontend frontend, Func<Socket, Frontend, CancellationToken, Task> handle, int backlog, TimeProvider time,
        Udp.UdpForwarder? udp, ILogger logger)
    {
        if (frontend.Transport == Transport.Udp)
        {
            var relay = Udp.UdpRelay.Open(frontend, udp ?? throw new SocketException((int)SocketError.ProtocolNotSupported));
            relay.Start(logger);
            return relay;
        }
        var listener = ProxyListener.Open(frontend, backlog);
        listener.Start(handle, time, logger);
        return listener;
    }

    public IReadOnlyCollection<Frontend> Listening
    {
        get
        {
            lock (_open)
            {
                return [.. _open.Keys];
            }
        }
    }

    /// <summary>Frontends that could not be bound, with the reason.</summary>
    public IReadOnlyDictionary<Frontend, string> Failed
    {
        get
        {
            lock (_open)
            {
                return new Dictionary<Frontend, string>(_failed);
            }
        }
    }

    /// <summary>Closes listeners no longer wanted and opens the missing ones; returns whether some bind failed.</summary>
    public async Task<bool> ReconcileAsync(IReadOnlyCollection<Frontend> wanted)
    {
        await _gate.WaitAsync();
        try
        {
            var set = wanted.ToHashSet();
            List<IFrontendListener> closing;
            lock (_open)
            {
                closing = _open.Where(p => !set.Contains(p.Key)).Select(p => p.Value).ToList();
                foreach (var listener in closing)
                {
                    _open.Remove(listener.Frontend);
                }
                foreach (var frontend in _failed.Keys.Where(f => !set.Contains(f)).ToList())
                {
                    _failed.Remove(frontend);
                }
            }
            foreach (var listener in closing)
            {
                await listener.DisposeAsync();
                ProxyLog.ListenerClosed(logger, listener.Frontend);
            }
            foreach (var frontend in set)
            {
                lock (_open)
                {
                    if (_open.ContainsKey(frontend))
                    {
                        continue;
                    }
                }
                try
                {
                    var listener = open(frontend);
                    lock (_open)
                    {
                        _open[frontend] = listener;
                        _failed.Remove(frontend);
                    }
                    ProxyLog.ListenerOpened(logger, frontend);
                }
                catch (SocketException e)
                {
                    lock (_open)
                    {
                        if (_failed.TryAdd(frontend, e.SocketErrorCode.ToString()))
                        {
                            ProxyLog.BindFailed(logger, frontend, e.Message);
                        }
                    }
                }
            }
            lock (_open)
            {
                return _failed.Count > 0;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReconcileAsync([]);
    }
}
