using Axolotl.Api.Core;

namespace Axolotl.Controllers.Endpoints;

/// <summary>
/// Works out the <c>endpoints.kubernetes.io/last-change-trigger-time</c> of a sync, as upstream's
/// TriggerTimeTracker does: a Service seen for the first time gives its creation time; afterwards the
/// earliest pod Ready transition (or Service creation) that is newer than what the previous sync saw.
/// Transition times have whole seconds, so a pod that turned Ready within the second its earlier
/// condition was set also counts as a change (upstream would miss it and drop the annotation).
/// No change gives null, and the annotation is then removed. Thread-safe; one per controller.
/// </summary>
public sealed class TriggerTimeTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string?, string), State> _states = [];

    /// <summary>Records what this sync saw and returns the trigger time to publish, if any.</summary>
    public DateTimeOffset? Compute(Service service, IEnumerable<Pod> pods)
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
            _states[key] = new State { PodTimes = podTimes, ServiceTime = serviceTime };
            return known ? earliest : serviceTime;
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

    private sealed class State
    {
        public Dictionary<string, (DateTimeOffset Time, bool Ready)> PodTimes { get; init; } = new(StringComparer.Ordinal);

        public DateTimeOffset? ServiceTime { get; init; }
    }
}
