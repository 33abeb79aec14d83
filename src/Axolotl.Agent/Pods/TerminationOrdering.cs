using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>
/// The order a pod with sidecars is stopped in, as the kubelet's terminationOrdering: every
/// container's preStop hook runs at once, the app containers are signalled at once, and each sidecar
/// is signalled only after the app containers and the sidecars after it (in spec order) have
/// exited, or when the grace period given to the wait runs out.
/// </summary>
public sealed class TerminationOrdering
{
    private readonly Dictionary<string, TaskCompletionSource> _exited = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _waitsFor = new(StringComparer.Ordinal);

    private TerminationOrdering()
    {
    }

    /// <summary>The ordering for the containers <paramref name="running"/> now; null when no sidecar runs (all stop at once).</summary>
    public static TerminationOrdering? For(PodSpec? spec, IReadOnlyCollection<string> running)
    {
        var sidecars = (spec?.InitContainers ?? []).Where(Sidecars.Is).Select(c => c.Name).Where(running.Contains).ToList();
        if (sidecars.Count == 0)
        {
            return null;
        }
        var ordering = new TerminationOrdering();
        var apps = (spec?.Containers ?? []).Select(c => c.Name).Where(running.Contains).ToList();
        foreach (var name in apps.Concat(sidecars))
        {
            ordering._exited[name] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        for (var i = 0; i < sidecars.Count; i++)
        {
            ordering._waitsFor[sidecars[i]] = [.. apps, .. sidecars.Skip(i + 1)];
        }
        return ordering;
    }

    /// <summary>The containers <paramref name="name"/> waits for before its stop signal.</summary>
    public IReadOnlyList<string> WaitsFor(string name) => _waitsFor.TryGetValue(name, out var before) ? before : [];

    /// <summary>Waits until <paramref name="name"/>'s turn, at most <paramref name="bound"/>.</summary>
    public async Task WaitForTurnAsync(string name, TimeSpan bound, TimeProvider time, CancellationToken ct)
    {
        var before = WaitsFor(name);
        if (before.Count == 0)
        {
            return;
        }
        try
        {
            await Task.WhenAll(before.Select(n => _exited[n].Task)).WaitAsync(bound > TimeSpan.Zero ? bound : TimeSpan.Zero, time, ct);
        }
        catch (TimeoutException)
        {
            // The grace period is spent: the sidecar is stopped now, as upstream's waitForTurn gives up.
        }
    }

    /// <summary>A container has exited (or its stop failed): those waiting on it may go.</summary>
    public void Exited(string name)
    {
        if (_exited.TryGetValue(name, out var done))
        {
            done.TrySetResult();
        }
    }
}
