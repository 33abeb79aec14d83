using Axolotl.Agent.Probes;
using Axolotl.Agent.Probes.Probers;
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
/// run time, as upstream documents. Node-wide and stateless: the starts run postStart, the stops preStop.
/// </summary>
public sealed class LifecycleHooks(IContainerRuntime runtime, ProbeManager probes, EventRecorder events, TimeProvider time, ILogger log)
{
    /// <summary>lifecycle.preStop, bounded by <paramref name="grace"/>; a failure is a FailedPreStopHook event and the stop goes on.</summary>
    public async Task RunPreStopAsync(Pod pod, string? podIp, Container container, ContainerHandle handle, TimeSpan grace, CancellationToken ct)
    {
        if (container.Lifecycle?.PreStop is not { } hook)
        {
            return;
        }
        using var timeout = Deadline.After(grace, time, ct);
        try
        {
            if (await RunAsync(podIp, container, handle, hook, grace, timeout.Token) is { } error && !timeout.Token.IsCancellationRequested)
            {
                events.Record(pod, EventRecorder.Warning, "FailedPreStopHook", $"PreStopHook failed: {error}", ContainerFieldPaths.Of(pod.Spec, container.Name));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (log.IsEnabled(LogLevel.Information))
            {
                log.LogInformation(ex, "preStop hook of {Container} in pod {Uid} did not complete", container.Name, handle.PodUid);
            }
        }
    }

    /// <summary>Runs one handler; null on success, else what failed in upstream's words.</summary>
    public async Task<string?> RunAsync(string? podIp, Container container, ContainerHandle handle, LifecycleHandler hook, TimeSpan timeout, CancellationToken ct)
    {
        if (hook.Exec is { } exec)
        {
            var result = await runtime.ExecAsync(handle, new ExecSpec(exec.Command ?? [], Tty: false, Stdin: null, Stdout: Stream.Null, Stderr: Stream.Null), ct);
            return result.ExitCode == 0 ? null : $"command '{string.Join(' ', exec.Command ?? [])}' exited with {result.ExitCode}";
        }
        if (hook.HttpGet is { } httpGet)
        {
            var result = await probes.RunOnceAsync(new Probe { HttpGet = httpGet }, new ProbeTarget(podIp, container, handle), timeout, ct);
            // The kubelet's hook runner does not judge the answer's status, only whether one came.
            return result.Outcome != ProbeOutcome.Failure || result.HttpStatus is not null ? null : result.Output;
        }
        if (hook.Sleep is { } sleep)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(sleep.Seconds), time, ct);
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

    /// <summary>The hook as upstream names it in a FailedPostStartHook event.</summary>
    public static string NameOf(LifecycleHandler hook) =>
        hook.Exec is not null ? $"Exec lifecycle hook ({FormatCommand(hook.Exec.Command)})"
        : hook.HttpGet is not null ? $"HTTP lifecycle hook ({hook.HttpGet.Path})"
        : hook.Sleep is not null ? $"Sleep lifecycle hook ({hook.Sleep.Seconds})"
        : "Lifecycle hook";

    private static string FormatCommand(List<string>? command) => "[" + string.Join(' ', command ?? []) + "]";
}
