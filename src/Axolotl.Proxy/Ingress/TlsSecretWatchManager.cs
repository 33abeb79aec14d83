using Axolotl.Api.Core;
using Axolotl.Client;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// TLS Secrets read one by one (<see cref="TlsSecretWatch"/>): a joined node's edge controllers, whose identity may
/// read a Secret only while an Ingress or Gateway of ours names it (the API server's ingress controller authorizer),
/// never list them all. The first <see cref="Get"/> of a name starts its watch; a name not asked for during a pass is
/// dropped at <see cref="EndPass"/>. Used by one controller's sync loop.
/// </summary>
public sealed class TlsSecretWatchManager(KubeClient client, TimeProvider time, ILogger logger, TimeSpan initialBackoff, TimeSpan maxBackoff, CancellationToken ct)
    : ITlsSecretSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Namespace, string Name), TlsSecretWatch> _watches = [];
    private readonly HashSet<(string Namespace, string Name)> _asked = [];
    private readonly List<Action> _wakes = [];
    private bool _disposed;

    /// <summary>The names followed now (for tests and logs).</summary>
    public IReadOnlyCollection<(string Namespace, string Name)> Followed
    {
        get
        {
            lock (_gate)
            {
                return [.. _watches.Keys];
            }
        }
    }

    public Secret? Get(string ns, string name)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = (ns, name);
            _asked.Add(key);
            if (!_watches.TryGetValue(key, out var watch))
            {
                watch = new TlsSecretWatch(client.Resource<Secret>(), ns, name, Changed, time, logger, initialBackoff, maxBackoff, ct);
                _watches[key] = watch;
            }
            return watch.Current;
        }
    }

    public bool Pending
    {
        get
        {
            lock (_gate)
            {
                return _asked.Any(k => _watches.TryGetValue(k, out var w) && !w.Answered);
            }
        }
    }

    public void EndPass()
    {
        List<TlsSecretWatch> dropped;
        lock (_gate)
        {
            var gone = _watches.Keys.Where(k => !_asked.Contains(k)).ToList();
            dropped = [.. gone.Select(k => _watches[k])];
            gone.ForEach(k => _watches.Remove(k));
            _asked.Clear();
        }
        foreach (var watch in dropped)
        {
            // Off the sync loop: a watch stops when its request is cancelled, which needs no waiting for here.
            _ = watch.DisposeAsync().AsTask();
        }
    }

    public IDisposable OnChange(Action wake)
    {
        lock (_gate)
        {
            _wakes.Add(wake);
        }
        return new Registration(this, wake);
    }

    public Task WaitForSyncAsync(CancellationToken token) => Task.CompletedTask;

    private void Changed()
    {
        Action[] wakes;
        lock (_gate)
        {
            wakes = [.. _wakes];
        }
        foreach (var wake in wakes)
        {
            wake();
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<TlsSecretWatch> watches;
        lock (_gate)
        {
            _disposed = true;
            watches = [.. _watches.Values];
            _watches.Clear();
        }
        foreach (var watch in watches)
        {
            await watch.DisposeAsync();
        }
    }

    private sealed class Registration(TlsSecretWatchManager owner, Action wake) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._wakes.Remove(wake);
            }
        }
    }
}
