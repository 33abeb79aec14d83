using Axolotl.Agent.Restart;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Runtime;

namespace Axolotl.Agent.Pods;

public sealed partial class PodWorker
{
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string DeadlineExceededMessage = "Pod was active on the node longer than the specified deadline";

    /// <summary>
    /// Kills one container outside the lane (the exit arrives like any other): a Killing event with
    /// <paramref name="message"/>, the preStop hook, SIGTERM, SIGKILL after <paramref name="grace"/>.
    /// <paramref name="forceRestart"/> makes the exit restart under OnFailure whatever its code.
    /// </summary>
    private void KillInBackground(string name, ContainerHandle handle, Container? container, TimeSpan grace, string message, bool forceRestart)
    {
        _ctx.Events.Record(Latest, EventRecorder.Normal, "Killing", message, FieldPathOf(name));
        if (forceRestart)
        {
            _probeKilled[name] = handle.Id;
            _gates.GetValueOrDefault(name)?.MarkProbeKill();
        }
        else
        {
            CloseGate(name);
        }
        _ctx.Termination.StopInBackground(Latest, Observed.PodIp, name, handle, container, grace, _stop.Token);
    }

    /// <summary>
    /// A running container whose image in the spec changed (kubectl set image on a pod) is restarted
    /// with the new one, as the kubelet does when a container's definition hash changes.
    /// </summary>
    private void RestartChangedContainers()
    {
        var spec = Latest.Spec;
        if (spec is null)
        {
            return;
        }
        foreach (var (name, handle) in _live.ToList())
        {
            // A sidecar's image may change too (spec.initContainers[*].image is mutable): it restarts with it.
            var sidecar = spec.InitContainers?.FirstOrDefault(c => c.Name == name && Sidecars.Is(c));
            var container = sidecar ?? spec.Containers.FirstOrDefault(c => c.Name == name);
            var seen = sidecar is null ? Observed.Containers.GetValueOrDefault(name) : Observed.InitContainers.GetValueOrDefault(name);
            if (container is null || seen?.StartedImage is not { } started || started == (container.Image ?? "") || _probeKilled.ContainsKey(name))
            {
                continue;
            }
            _ctx.Probes.ContainerStopped(Uid, name);
            var grace = TimeSpan.FromSeconds(spec.TerminationGracePeriodSeconds ?? 30);
            KillInBackground(name, handle, container, grace, $"Container {name} definition changed, will be restarted", forceRestart: true);
        }
    }

    /// <summary>
    /// activeDeadlineSeconds: once the pod has been active that long on the node, every container is
    /// killed and the pod fails with reason DeadlineExceeded. True when the deadline has passed.
    /// </summary>
    private async Task<bool> EnforceActiveDeadlineAsync(CancellationToken ct)
    {
        if (Latest.Spec?.ActiveDeadlineSeconds is not { } seconds || Observed.StartTime is not { } start)
        {
            return false;
        }
        var deadline = start + TimeSpan.FromSeconds(seconds);
        if (deadline > Now)
        {
            Schedule(deadline);
            return false;
        }
        FailPod(DeadlineExceeded, DeadlineExceededMessage);
        _ctx.Events.Record(Latest, EventRecorder.Warning, DeadlineExceeded, DeadlineExceededMessage);
        _ctx.Probes.RemovePod(Uid);
        Lifecycle.Terminating();
        await StopLiveContainersAsync(TimeSpan.FromSeconds(Latest.Spec.TerminationGracePeriodSeconds ?? 30), ct);
        Lifecycle.Terminated();
        await RemoveSandboxAsync(ct);
        SaveCheckpoint();
        await WriteStatusAsync(ct, wait: true);
        return true;
    }

    /// <summary>The lane takes the container's next exit into its own hands (it stops it, or starts another attempt).</summary>
    private void CloseGate(string name)
    {
        if (_gates.Remove(name, out var gate))
        {
            gate.Close();
        }
    }
}
