using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Axolotl.Agent;
using Axolotl.Agent.Pods;
using Axolotl.Hosting;
using Axolotl.Proxy;
using Axolotl.Proxy.Drain;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Commands;

/// <summary>
/// The held listeners of a node in nftables proxy mode (ADR 0030, issue 36), between its agent and its service proxy, which
/// know nothing of each other. The ordering that keeps a duplicate from ever taking a replacement's port:
/// <list type="number">
/// <item>Before the manager's first take of a pod's listener the pod is disarmed (<see cref="ProcessRuntime.Disarm(string)"/>,
/// in the pid lookup the take calls first), and from then on none of its containers is armed (<see cref="Holds"/>: the lane
/// builds its specs without <c>ArmsNext</c>; the runtime refuses to arm it anyway), so no launcher starts a replacement
/// by itself.</item>
/// <item>On a container's exit, on the thread that read its exit line and before an immediate restart's go
/// (<see cref="ProcessRuntime.ExitHeard"/>), and again from the lane's exit intake before a restart that is not at once
/// (<see cref="ContainerExits"/>), the duplicates taken from its processes are released, drained to the Service port's other
/// endpoints and closed (<see cref="ServiceProxy.RelayDrainedAsync"/>: the close happens before it returns its task), at
/// most <see cref="DrainBound"/> later.</item>
/// <item>The manager follows the proxy: <see cref="HeldPorts.Desired"/> of each routing snapshot and kernel frontend set,
/// reconciled on a loop of its own (takes walk /proc; the set is read again only on the proxy's changes), retried while a
/// desired port is not held yet (its app not listening yet): within tens of ms after a release, so a second kill soon after
/// the first finds the replacement held, and every second otherwise (<see cref="HeldRetakeSchedule"/>); disposed on the
/// node's stop, which closes every duplicate.</item>
/// </list>
/// </summary>
/// <param name="runtime">The node's runtime (<see cref="ProcessHeldListenerRuntime"/>).</param>
/// <param name="schedule">The retries of a port not held: <see cref="HeldRetakeSchedule.Default"/> unless a bench compares.</param>
/// <param name="take">The take of a pid's listener on a port: the kernel's (<see cref="HeldListener.TryTake(int, int, out bool, int)"/>) unless a test fakes it.</param>
public sealed class HeldListenerWiring(IHeldListenerRuntime runtime, TimeProvider time, ILogger log, HeldRetakeSchedule? schedule = null,
    Func<int, int, (IHeldListener? Listener, bool Refused)>? take = null) : IHeldListeners, IAsyncDisposable
{
    public HeldListenerWiring(ProcessRuntime runtime, TimeProvider time, ILogger log)
        : this(new ProcessHeldListenerRuntime(runtime), time, log)
    {
    }

    /// <summary>
    /// The longest a held container's drain may take, so the longest its replacement's go waits for it. A drain never
    /// waits for a connection (the listener is non-blocking): 6 queued connections took 0.11 ms, so a full Kestrel
    /// backlog (512) is a few ms on a quiet machine. The bound matters only when a process that kept a copy of the socket
    /// clears O_NONBLOCK so an accept blocks (the token then shuts the listener down, which resets what is left): such a
    /// pod delays only its own restart, by 50 ms at most, plus the timer's lateness on a loaded machine (ADR 0002 measured
    /// exit → go at 1.5-3 ms median; a restart of a held container costs the drain, not the bound).
    /// </summary>
    public static readonly TimeSpan DrainBound = TimeSpan.FromMilliseconds(50);

    /// <summary>A container's processes looked at for its listener: its launcher, PID 1, the command and what that forked.</summary>
    private const int MaxProcessesPerContainer = 16;

    // A wake-up, not a work item: any number of snapshots while a pass runs collapse into one more pass.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    // Each pid's start time when it was looked at: a duplicate's process is gone when its pid is, or names another process.
    private readonly ConcurrentDictionary<int, long> _startTicks = new();
    // Guards _retake: released from an exit's thread, asked by the loop.
    private readonly Lock _retakeGate = new();
    private readonly HeldRetakeTracker _retake = new(schedule ?? HeldRetakeSchedule.Default);
    private HeldListenerManager? _manager;
    private IHeldListenerNode? _node;
    private IDisposable? _changes;
    private DelegateLoop? _loop;
    private (int Held, int Desired) _reported;
    private IReadOnlySet<HeldPort>? _desired;
    private bool _desiredStale;

    /// <summary>Duplicates held now (tests, diagnostics).</summary>
    public int Count => Volatile.Read(ref _manager)?.Count ?? 0;

    public bool Holds(string podUid) => runtime.IsDisarmed(podUid);

    public void Exited(string podUid)
    {
        if (Volatile.Read(ref _manager) is not { } manager || _node is not { } node || node.Pod(podUid) is not (string ns, string name))
        {
            return;
        }
        if (!manager.HoldsAny(ns, name))
        {
            return;
        }
        var released = manager.Release(ns, name, Gone);
        foreach (var (port, listener) in released)
        {
            using var bound = new CancellationTokenSource(DrainBound, time);
            // Drained and closed when this returns; the relay of what was drained goes on without the caller.
            var relay = node.RelayDrainedAsync(listener, new IPEndPoint(port.Address, port.Port), bound.Token);
            _ = ReportAsync(port, relay);
        }
        if (released.Count > 0)
        {
            lock (_retakeGate)
            {
                var now = time.GetElapsedTime(0);
                foreach (var (port, _) in released)
                {
                    _retake.Released(port, now);
                }
            }
            // The replacement's listener is looked for at once, then on the fast retries.
            _wake.Writer.TryWrite(true);
        }
    }

    /// <summary>Starts holding once the node's proxy runs: the exit hook, the proxy's wake-ups and the reconcile loop.</summary>
    public void Start(NodeAgent agent, ServiceProxy proxy, CancellationToken ct) => Start(new AgentProxyHeldListenerNode(agent, proxy), ct);

    /// <inheritdoc cref="Start(NodeAgent, ServiceProxy, CancellationToken)"/>
    public void Start(IHeldListenerNode node, CancellationToken ct)
    {
        _node = node;
        Volatile.Write(ref _manager, new HeldListenerManager(Processes, take));
        runtime.ExitHeard = (podUid, _) => Exited(podUid);
        _changes = node.OnChanged(Changed);
        // Its first pass runs at once.
        _loop = DelegateLoop.StartNew("held listeners", LoopFailurePolicy.RestartWithBackoff, RunAsync, time, log, ct);
    }

    public async ValueTask DisposeAsync()
    {
        _changes?.Dispose();
        runtime.ExitHeard = null;
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
        // A stopped node must not keep a port a replacement needs.
        Volatile.Read(ref _manager)?.Dispose();
    }

    private void Changed()
    {
        // Set before the wake, cleared before the read: a change during a pass's read is read again at the next.
        Volatile.Write(ref _desiredStale, true);
        _wake.Writer.TryWrite(true);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (Reconcile() is { } retry)
            {
                using var wait = Deadline.After(retry, time, ct);
                try
                {
                    await _wake.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Retry time: an app that was not listening yet may be now.
                }
            }
            else
            {
                await _wake.Reader.ReadAsync(ct);
            }
        }
    }

    /// <summary>One pass; the wait before the next while a desired port is not held, null when all are.</summary>
    private TimeSpan? Reconcile()
    {
        if (_node is not { } node || Volatile.Read(ref _manager) is not { } manager)
        {
            return null;
        }
        // The retries (up to ten a second after a release) reuse the last set: it changes only with the proxy's snapshot and
        // kernel frontends, which wake the loop, and reading it walks every kernel frontend's endpoints.
        if (Volatile.Read(ref _desiredStale) || _desired is null)
        {
            Volatile.Write(ref _desiredStale, false);
            _desired = node.Desired();
        }
        var desired = _desired;
        manager.Reconcile(desired);
        foreach (var pid in _startTicks.Keys.Where(p => !LinuxProcess.IsAlive(p)).ToList())
        {
            _startTicks.TryRemove(pid, out _);
        }
        var now = (manager.Count, desired.Count);
        if (now != _reported && log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("held listeners: {Held} of {Desired} endpoint ports of kernel Services held", now.Item1, now.Item2);
        }
        _reported = now;
        IReadOnlyList<(HeldPort Port, TimeSpan After)> retaken;
        TimeSpan? next;
        lock (_retakeGate)
        {
            (retaken, next) = _retake.Passed(time.GetElapsedTime(0), desired, manager.IsHeld);
        }
        foreach (var (port, after) in retaken)
        {
            if (log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation("held listener {Port}: the replacement's listener held {Ms} ms after its app's exit was heard", port, (long)after.TotalMilliseconds);
            }
        }
        return next;
    }

    /// <summary>
    /// The processes of the pod's running containers (each one's launcher and its descendants), for the manager's take; the
    /// pod is disarmed first, so it is never armed once anything of it may be held.
    /// </summary>
    private IReadOnlyList<int> Processes(HeldPort port)
    {
        if (_node?.Containers(port) is not (string podUid, IReadOnlyList<int> launchers) || launchers.Count == 0)
        {
            return [];
        }
        runtime.Disarm(podUid);
        var pids = new List<int>();
        foreach (var launcher in launchers)
        {
            foreach (var pid in LinuxProcess.Descendants(launcher, MaxProcessesPerContainer))
            {
                if (LinuxProcess.ReadStat(pid) is { } stat)
                {
                    _startTicks[pid] = stat.StartTicks;
                    pids.Add(pid);
                }
            }
        }
        return pids;
    }

    private bool Gone(int pid) =>
        _startTicks.TryGetValue(pid, out var started) ? !LinuxProcess.IsAlive(pid, started) : !LinuxProcess.IsAlive(pid);

    private async Task ReportAsync(HeldPort port, Task<(int Relayed, int Reset)> relay)
    {
        try
        {
            var (relayed, reset) = await relay;
            if ((relayed > 0 || reset > 0) && log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation("held listener {Port}: its app exited; {Relayed} queued connections relayed to other endpoints, {Reset} reset", port, relayed, reset);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (log.IsEnabled(LogLevel.Warning))
            {
                log.LogWarning(e, "held listener {Port}: relaying its queued connections failed", port);
            }
        }
    }
}
