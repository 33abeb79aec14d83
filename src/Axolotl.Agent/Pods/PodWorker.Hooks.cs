using Axolotl.Agent.Probes.Probers;
using Axolotl.Agent.Restart;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Hosting;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// Lifecycle hooks as the kubelet's handler runner runs them: exec in the container, httpGet to the
/// pod IP (or the hook's host) where any HTTP answer is a success and only a failed exchange is a
/// failure, sleep for its seconds; tcpSocket is kept in the API for compatibility only and fails at
/// run time, as upstream documents.
/// </summary>
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
            error = await RunHookAsync(container, handle, hook, timeout, stopped.Token);
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
        var message = $"{HookName(hook)} for Container \"{container.Name}\" in Pod \"{meta.Name}_{meta.Namespace}({Uid})\" failed - error: {error}";
        var fieldPath = FieldPathOf(container.Name);
        _ctx.Events.Record(Latest, EventRecorder.Warning, "FailedPostStartHook", message, fieldPath);
        var grace = TimeSpan.FromSeconds(Latest.Spec?.TerminationGracePeriodSeconds ?? 30);
        var restarts = RestartPolicy != RestartPolicies.Never || Sidecars.IsSidecar(Latest.Spec, container.Name);
        KillInBackground(container.Name, handle, container, grace, "FailedPostStartHook", forceRestart: restarts);
        return false;
    }

    /// <summary>lifecycle.preStop, bounded by <paramref name="grace"/>; a failure is a FailedPreStopHook event and the stop goes on.</summary>
    private async Task RunPreStopAsync(Container container, ContainerHandle handle, TimeSpan grace, CancellationToken ct)
    {
        if (container.Lifecycle?.PreStop is not { } hook)
        {
            return;
        }
        using var timeout = Deadline.After(grace, _ctx.Time, ct);
        try
        {
            if (await RunHookAsync(container, handle, hook, grace, timeout.Token) is { } error && !timeout.Token.IsCancellationRequested)
            {
                _ctx.Events.Record(Latest, EventRecorder.Warning, "FailedPreStopHook", $"PreStopHook failed: {error}", FieldPathOf(container.Name));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var log = _ctx.Log;
            if (log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation(ex, "preStop hook of {Container} in pod {Uid} did not complete", container.Name, Uid);
            }
        }
    }

    /// <summary>Runs one handler; null on success, else what failed in upstream's words.</summary>
    private async Task<string?> RunHookAsync(Container container, ContainerHandle handle, LifecycleHandler hook, TimeSpan timeout, CancellationToken ct)
    {
        if (hook.Exec is { } exec)
        {
            var result = await _ctx.Runtime.ExecAsync(handle, new ExecSpec(exec.Command ?? [], Tty: false, Stdin: null, Stdout: Stream.Null, Stderr: Stream.Null), ct);
            return result.ExitCode == 0 ? null : $"command '{string.Join(' ', exec.Command ?? [])}' exited with {result.ExitCode}";
        }
        if (hook.HttpGet is { } httpGet)
        {
            var result = await _ctx.Probes.RunOnceAsync(new Probe { HttpGet = httpGet }, new ProbeTarget(Observed.PodIp, container, handle), timeout, ct);
            // The kubelet's hook runner does not judge the answer's status, only whether one came.
            return result.Outcome != ProbeOutcome.Failure || result.HttpStatus is not null ? null : result.Output;
        }
        if (hook.Sleep is { } sleep)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(sleep.Seconds), _ctx.Time, ct);
                return null;
            }
            catch (OperationCanceledException)
            {
                // Cut short (the grace period ran out, the pod stops): as the kubelet's runSleepHandler says.
                return "container terminated before sleep hook finished";
            }
        }
        return hook.TcpSocket is not null
            ? "Cannot run handler: invalid handler: tcpSocket is not supported as a lifecycle handler"
            : "Cannot run handler: invalid handler: no handler type given";
    }

    private static string HookName(LifecycleHandler hook) =>
        hook.Exec is not null ? $"Exec lifecycle hook ({FormatCommand(hook.Exec.Command)})"
        : hook.HttpGet is not null ? $"HTTP lifecycle hook ({hook.HttpGet.Path})"
        : hook.Sleep is not null ? $"Sleep lifecycle hook ({hook.Sleep.Seconds})"
        : "Lifecycle hook";

    private static string FormatCommand(List<string>? command) => "[" + string.Join(' ', command ?? []) + "]";

    /// <summary>The event field path of a container: spec.initContainers{…} for init containers and sidecars.</summary>
    private string FieldPathOf(string name) =>
        IsEphemeral(name) ? EphemeralFieldPath(name) : EventRecorder.ContainerFieldPath(name, Latest.Spec?.InitContainers?.Any(c => c.Name == name) == true);
}
