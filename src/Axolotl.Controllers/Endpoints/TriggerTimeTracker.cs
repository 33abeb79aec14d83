using Axolotl.Api.Core;

namespace Axolotl.Controllers.Endpoints;

/// <summary>
/// Works out the <c>endpoints.kubernetes.io/last-change-trigger-time</c> of a sync, as upstream's
/// TriggerTimeTracker does: a Service seen for the first time gives its creation time; afterwards the
/// earliest pod Ready transition (or Service creation) that is newer than what the previous sync saw.
/// Transition times have whole seconds, so a pod that turned Ready within the second its earlier
/// condition was set also counts as a change (upstream would miss it and drop the annotation).
/// No change gives null, and the annotation is then removed. A sync's view counts once it is
/// committed. Thread-safe; one per controller.
/// </summary>
public sealed class TriggerTimeTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string?, string), State> _states = [];

    /// <summary>
    /// The trigger time to publish for what this sync sees, if any. Nothing is recorded until
    /// <see cref="Commit"/>: a sync that is requeued (stale cache, conflict) must not use up the
    /// change, or its retry would publish without the annotation.
    /// </summary>
    public Observation Compute(Service service, IEnumerable<Pod> pods)
    {
        var key = (service.Metadata.Namespace, service.Metadata.Name ?? "");
        var serviceTime = service.Metadata.CreationTimestamp;
        lock (_lock)
        {
            var known = _states.TryGetValue(key, out var state);
            state ??= new State();
            DateTimeOffset? earliest = null;
            var podTimes = new Dictionary<string, (DateTimeOffset Time, bool Ready)>(StringComparer.Ordinal);
            foreach (var pod in pods)
            {
                if (PodEndpointRules.ReadyTransitionTime(pod) is not { } podTime || pod.Metadata.Name is not { } name)
                {
                    continue;
                }
                var ready = PodEndpointRules.IsPodReady(pod);
                podTimes[name] = (podTime, ready);
                if (!state.PodTimes.TryGetValue(name, out var previous) || podTime > previous.Time || (podTime == previous.Time && ready != previous.Ready))
                {
                    earliest = Min(earliest, podTime);
                }
            }
            if (serviceTime is { } created && (state.ServiceTime is not { } seen || created > seen))
            {
                earliest = Min(earliest, created);
            }
            return new Observation(key, new State { PodTimes = podTimes, ServiceTime = serviceTime }, known ? earliest : serviceTime);
        }
    }

    /// <summary>The sync of <paramref name="observation"/> is done (written, or nothing to write): later syncs compare with it.</summary>
    public void Commit(Observation observation)
    {
        lock (_lock)
        {
            _states[observation.Key] = observation.State;
        }
    }

    /// <summary>Forgets a deleted Service.</summary>
    public void Delete(string? ns, string name)
    {
        lock (_lock)
        {
            _states.Remove((ns, name));
        }
    }

    private static DateTimeOffset Min(DateTimeOffset? current, DateTimeOffset value) =>
        current is { } c && c <= value ? c : value;

    /// <summary>What one sync saw, and the trigger time it gives.</summary>
    public sealed record Observation
    {
        internal Observation((string?, string) key, State state, DateTimeOffset? time) => (Key, State, Time) = (key, state, time);

        public DateTimeOffset? Time { get; }

        internal (string?, string) Key { get; }

        internal State State { get; }
    }

    internal sealed class State
    {
        public Dictionary<string, (DateTimeOffset Time, bool Ready)> PodTimes { get; init; } = new(StringComparer.Ordinal);

        public DateTimeOffset? ServiceTime { get; init; }
    }
}
