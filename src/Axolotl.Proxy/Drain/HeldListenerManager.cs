namespace Axolotl.Proxy.Drain;

/// <summary>
/// The duplicates the agent holds (ADR 0030, issue 36): at most one per <see cref="HeldPort"/>, taken when a port becomes
/// desired (<see cref="HeldPorts.Desired"/>) and closed when it stops being (the EndpointSlice dropped the pod, it is
/// terminating, or the pod is gone), and every one closed by <see cref="Dispose"/> (the agent's stop: a stopped agent must
/// not keep a port a replacement needs). A process that refuses the agent ptrace rights is not asked again while its pid
/// stays the same (nothing held: today's behaviour). Nothing here waits on another process: a take is a bounded walk of
/// /proc/PID/fd and pidfd_getfd calls, a release is a close.
/// </summary>
/// <param name="processes">The main processes of a pod's running containers (the one listening on the port is among them).</param>
/// <param name="take">Takes a duplicate of what a pid listens with on a port: <see cref="HeldListener.TryTake(int, int, out bool, int)"/> by default.</param>
public sealed class HeldListenerManager(Func<HeldPort, IReadOnlyList<int>> processes, Func<int, int, (IHeldListener? Listener, bool Refused)>? take = null) : IDisposable
{
    private readonly Func<int, int, (IHeldListener? Listener, bool Refused)> _take = take ?? TakeFromKernel;
    private readonly Lock _gate = new();
    private readonly Dictionary<HeldPort, IHeldListener> _held = [];
    // The process each duplicate was taken from: an exit releases only the duplicates of processes that are gone.
    private readonly Dictionary<HeldPort, int> _owners = [];
    private readonly HashSet<(HeldPort Port, int Pid)> _refused = [];
    private bool _disposed;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    public bool IsHeld(HeldPort port)
    {
        lock (_gate)
        {
            return _held.ContainsKey(port);
        }
    }

    /// <summary>Closes what is no longer desired and takes what is desired and not held yet (a port not listened on yet is tried again next time).</summary>
    public void Reconcile(IReadOnlySet<HeldPort> desired)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            foreach (var port in _held.Keys.Where(p => !desired.Contains(p)).ToList())
            {
                _held.Remove(port, out var listener);
                _owners.Remove(port);
                listener!.Dispose();
            }
            _refused.RemoveWhere(r => !desired.Contains(r.Port));
            foreach (var port in desired)
            {
                if (_held.ContainsKey(port))
                {
                    continue;
                }
                foreach (var pid in processes(port))
                {
                    if (_refused.Contains((port, pid)))
                    {
                        continue;
                    }
                    var (listener, refused) = _take(pid, port.Port);
                    if (refused)
                    {
                        _refused.Add((port, pid));
                    }
                    if (listener is not null)
                    {
                        _held[port] = listener;
                        _owners[port] = pid;
                        break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Hands the pod's held duplicates to the caller, who drains and closes them (the pod's app exited); the manager forgets
    /// them, so the next <see cref="Reconcile"/> takes the replacement's socket.
    /// </summary>
    public IReadOnlyList<(HeldPort Port, IHeldListener Listener)> Release(string ns, string pod) => Release(ns, pod, _ => true);

    /// <summary>
    /// As <see cref="Release(string, string)"/>, only the duplicates taken from a process <paramref name="gone"/> says has
    /// exited: one of the pod's containers exited, and the duplicates of another (a sidecar's exit, a replacement already
    /// held) stay held, since draining them would take connections from a live app.
    /// </summary>
    public IReadOnlyList<(HeldPort Port, IHeldListener Listener)> Release(string ns, string pod, Func<int, bool> gone)
    {
        lock (_gate)
        {
            var released = _held.Where(h => h.Key.Namespace == ns && h.Key.Pod == pod && (!_owners.TryGetValue(h.Key, out var pid) || gone(pid)))
                .Select(h => (h.Key, h.Value)).ToList();
            foreach (var (port, _) in released)
            {
                _held.Remove(port);
                _owners.Remove(port);
            }
            return released;
        }
    }

    /// <summary>Whether any duplicate of the pod is held (cheap: an exit of a pod with none has nothing to drain).</summary>
    public bool HoldsAny(string ns, string pod)
    {
        lock (_gate)
        {
            return _held.Keys.Any(p => p.Namespace == ns && p.Pod == pod);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var listener in _held.Values)
            {
                listener.Dispose();
            }
            _held.Clear();
            _owners.Clear();
            _refused.Clear();
        }
    }

    private static (IHeldListener? Listener, bool Refused) TakeFromKernel(int pid, int port) =>
        (HeldListener.TryTake(pid, port, out var refused), refused);
}
