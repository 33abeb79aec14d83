using Axolotl.Runtime;

namespace Axolotl.Agent.Probes;

/// <summary>
/// The probe results of one container instance: what status reads (Started, Ready) and whether a
/// liveness or startup failure asks for the container to be killed. A new instance gets a new object,
/// so results never leak from a killed instance into its replacement.
/// </summary>
internal sealed class ContainerProbes(ContainerHandle handle, bool hasStartup, bool hasReadiness, ProbeSeed seed) : IDisposable
{
    private readonly Lock _lock = new();
    private bool _started = !hasStartup || seed.Started;
    private bool _ready = seed.Ready;
    private bool _readinessKnown = seed.Ready;
    private bool _stopped;
    private ProbeKind? _killFor;
    private DateTimeOffset _killAskedAt;

    public ContainerHandle Handle { get; } = handle;

    public CancellationTokenSource Stop { get; } = new();

    public List<ProbeWorker> Workers { get; } = [];

    public bool HasStartup { get; } = hasStartup;

    public bool Started
    {
        get
        {
            lock (_lock)
            {
                return _started;
            }
        }
    }

    /// <summary>Started and (no readiness probe or its published result is success); false once stopped.</summary>
    public bool Ready
    {
        get
        {
            lock (_lock)
            {
                return !_stopped && _started && (!hasReadiness || (_readinessKnown && _ready));
            }
        }
    }

    /// <summary>The container is being killed or has exited: workers must not probe it any more.</summary>
    public bool Stopped
    {
        get
        {
            lock (_lock)
            {
                return _stopped;
            }
        }
    }

    /// <summary>Records a published result (published at <paramref name="at"/>); true when something status shows (or a kill) changed.</summary>
    public bool Publish(ProbeKind kind, bool success, DateTimeOffset at = default)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return false;
            }
            switch (kind)
            {
                case ProbeKind.Readiness:
                    var changed = !_readinessKnown || _ready != success;
                    _readinessKnown = true;
                    _ready = success;
                    return changed;
                case ProbeKind.Startup when success:
                    changed = !_started;
                    _started = true;
                    return changed;
                case ProbeKind.Liveness or ProbeKind.Startup when !success:
                    if (_killFor is null)
                    {
                        _killFor = kind;
                        _killAskedAt = at;
                    }
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>The probe whose failure asks for a kill, once; later calls return null.</summary>
    public ProbeKind? TakeKill() => TakeKill(out _);

    /// <summary>As <see cref="TakeKill()"/>, with when the failure crossed its threshold (the healing histogram's start).</summary>
    public ProbeKind? TakeKill(out DateTimeOffset failedAt)
    {
        lock (_lock)
        {
            failedAt = _killAskedAt;
            var kill = _stopped ? null : _killFor;
            if (kill is not null)
            {
                _stopped = true;
            }
            return kill;
        }
    }

    public bool KillPending
    {
        get
        {
            lock (_lock)
            {
                return _killFor is not null && !_stopped;
            }
        }
    }

    public void Dispose() => Stop.Dispose();

    /// <summary>No more probing; readiness reads false from now on.</summary>
    public void MarkStopped()
    {
        lock (_lock)
        {
            _stopped = true;
        }
    }
}
