using Axolotl.Agent.Restart;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Hosting;
using Axolotl.Runtime;

namespace Axolotl.Agent.Pods;

/// <summary>The postStart verdict: a container counts as started only once its hook has passed (<see cref="LifecycleHooks"/> runs it).</summary>
public sealed partial class PodWorker
{
    /// <summary>
    /// lifecycle.postStart, run right after the start; the container counts as running only once it
    /// has passed. A failure is a FailedPostStartHook event and a kill, after which the restart
    /// policy applies, as upstream.
    /// </summary>
    private async Task<bool> RunPostStartAsync(Container container, ContainerHandle handle, CancellationToken ct)
    {
        if (container.Lifecycle?.PostStart is not { } hook)
        {
            return true;
        }
        var timeout = TimeSpan.FromSeconds(Latest.Spec?.TerminationGracePeriodSeconds ?? 30);
        using var stopped = Deadline.After(timeout, _ctx.Time, ct, _stop.Token);
        string? error;
        try
        {
            error = await _ctx.Hooks.RunAsync(Observed.PodIp, container, handle, hook, timeout, stopped.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = _stop.IsCancellationRequested ? null : $"timed out after {timeout.TotalSeconds:0}s";
        }
        if (_stop.IsCancellationRequested)
        {
            // The pod is being stopped: no hook verdict matters any more.
            return false;
        }
        if (error is null)
        {
            return true;
        }
        var meta = Latest.Metadata;
        var message = $"{LifecycleHooks.NameOf(hook)} for Container \"{container.Name}\" in Pod \"{meta.Name}_{meta.Namespace}({Uid})\" failed - error: {error}";
        _ctx.Events.Record(Latest, EventRecorder.Warning, "FailedPostStartHook", message, FieldPathOf(container.Name));
        var grace = TimeSpan.FromSeconds(Latest.Spec?.TerminationGracePeriodSeconds ?? 30);
        var restarts = RestartPolicy != RestartPolicies.Never || Sidecars.IsSidecar(Latest.Spec, container.Name);
        KillInBackground(container.Name, handle, container, grace, "FailedPostStartHook", forceRestart: restarts);
        return false;
    }

    /// <summary>The event field path of a container: spec.initContainers{…} for init containers and sidecars.</summary>
    private string FieldPathOf(string name) => ContainerFieldPaths.Of(Latest.Spec, name);
}
