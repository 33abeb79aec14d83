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
/// reconciled on a loop of its own (takes walk /proc), retried every second while a desired port is not held yet (its app
/// not listening yet); disposed on the node's stop, which closes every duplicate.</item>
/// </list>
/// </summary>
public sealed class HeldListenerWiring(ProcessRuntime runtime, TimeProvider time, ILogger log) : IHeldListeners, IAsyncDisposable
{
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

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    // A wake-up, not a work item: any number of snapshots while a pass runs collapse into one more pass.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    // Each pid's start time when it was looked at: a duplicate's process is gone when its pid is, or names another process.
    private readonly ConcurrentDictionary<int, long> _startTicks = new();
    private HeldListenerManager? _manager;
    private NodeAgent? _agent;
    private ServiceProxy? _proxy;
    private DelegateLoop? _loop;
    private (int Held, int Desired) _reported;

    /// <summary>Duplicates held now (tests, diagnostics).</summary>
    public int Count => Volatile.Read(ref _manager)?.Count ?? 0;

    public bool Holds(string podUid) => runtime.IsDisarmed(podUid);

    public void Exited(string podUid)
    {
        if (Volatile.Read(ref _manager) is not { } manager || _proxy is not { } proxy || _agent?.Pods.Find(podUid) is not { } worker)
        {
            return;
        }
        var ns = worker.Latest.Metadata.Namespace ?? "";
        var name = worker.Latest.Metadata.Name ?? "";
        if (!manager.HoldsAny(ns, name))
        {
            return;
        }
        var released = manager.Release(ns, name, Gone);
        foreach (var (port, listener) in released)
        {
            using var bound = new CancellationTokenSource(DrainBound, time);
            // Drained and closed when this returns; the relay of what was drained goes on without the caller.
            var relay = proxy.RelayDrainedAsync(listener, new IPEndPoint(port.Address, port.Port), bound.Token);
            _ = ReportAsync(port, relay);
        }
        if (released.Count > 0)
        {
            // The replacement's listener is taken at the next pass.
            _wake.Writer.TryWrite(true);
        }
    }

    /// <summary>Starts holding once the node's proxy runs: the exit hook, the proxy's wake-ups and the reconcile loop.</summary>
    public void Start(NodeAgent agent, ServiceProxy proxy, CancellationToken ct)
    {
        _agent = agent;
        _proxy = proxy;
        Volatile.Write(ref _manager, new HeldListenerManager(Processes));
        runtime.ExitHeard = (podUid, _) => Exited(podUid);
        proxy.SnapshotChanged += Wake;
        proxy.KernelFrontendsChanged += Wake;
        _loop = DelegateLoop.StartNew("held listeners", LoopFailurePolicy.RestartWithBackoff, RunAsync, time, log, ct);
        Wake();
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is { } proxy)
        {
            proxy.SnapshotChanged -= Wake;
            proxy.KernelFrontendsChanged -= Wake;
        }
        runtime.ExitHeard = null;
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
        // A stopped node must not keep a port a replacement needs.
        Volatile.Read(ref _manager)?.Dispose();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var pending = Reconcile();
            if (pending)
            {
                using var wait = Deadline.After(RetryInterval, time, ct);
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

    /// <summary>One pass; true while a desired port is not held (retried).</summary>
    private bool Reconcile()
    {
        if (_proxy is not { } proxy || _agent is not { } agent || Volatile.Read(ref _manager) is not { } manager)
        {
            return false;
        }
        var desired = HeldPorts.Desired(proxy.Snapshot, proxy.KernelFrontends, agent.Options.NodeName);
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
        return desired.Any(p => !manager.IsHeld(p));
    }

    /// <summary>
    /// The processes of the pod's running containers (each one's launcher and its descendants), for the manager's take; the
    /// pod is disarmed first, so it is never armed once anything of it may be held.
    /// </summary>
    private IReadOnlyList<int> Processes(HeldPort port)
    {
        var address = port.Address.ToString();
        var worker = _agent?.Pods.Workers.FirstOrDefault(w =>
            w.Latest.Metadata.Namespace == port.Namespace && w.Latest.Metadata.Name == port.Pod && w.Sandbox?.Ip == address);
        if (worker is null || worker.Live.Count == 0)
        {
            return [];
        }
        runtime.Disarm(worker.Uid);
        var pids = new List<int>();
        foreach (var handle in worker.Live.Values)
        {
            foreach (var pid in LinuxProcess.Descendants(handle.Pid, MaxProcessesPerContainer))
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
