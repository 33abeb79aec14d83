using Axolotl.Agent.Probes;
using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Client.Events;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

public sealed partial class PodWorker
{
    /// <summary>Container instances killed for a failed liveness or startup probe: they restart unless the policy is Never.</summary>
    private readonly Dictionary<string, string> _probeKilled = new(StringComparer.Ordinal);

    /// <summary>Starts the probes of a freshly started (or re-adopted) app container.</summary>
    private void StartProbes(Container container, ContainerHandle handle, ProbeSeed seed = default)
    {
        if (container.LivenessProbe is null && container.ReadinessProbe is null && container.StartupProbe is null)
        {
            return;
        }
        _ctx.Probes.ContainerStarted(Latest, container, handle, Observed.PodIp, seed);
    }

    /// <summary>
    /// Kills the containers whose liveness or startup probe crossed its failure threshold, as the
    /// kubelet's computePodActions does: a Killing event, the preStop hook, SIGTERM with the probe's
    /// (or the pod's) grace period, then SIGKILL. The exit arrives like any other and the restart
    /// tracker decides when the container comes back (a probe kill restarts unless the policy is
    /// Never, whatever the exit code). The lane does not wait for the kill.
    /// </summary>
    private void KillFailedProbes()
    {
        var spec = Latest.Spec;
        if (spec is null)
        {
            return;
        }
        foreach (var (name, handle) in _live.ToList())
        {
            if (_ctx.Probes.TakeKill(Uid, name, handle.Id, out var failedAt) is not { } kind)
            {
                continue;
            }
            _timings.ProbeKilled(name, handle.Id, failedAt);
            var container = spec.Containers.FirstOrDefault(c => c.Name == name) ?? spec.InitContainers?.FirstOrDefault(c => c.Name == name);
            var probe = kind == ProbeKind.Liveness ? container?.LivenessProbe : container?.StartupProbe;
            var grace = TimeSpan.FromSeconds(probe?.TerminationGracePeriodSeconds ?? spec.TerminationGracePeriodSeconds ?? 30);
            var restart = RestartPolicy != RestartPolicies.Never || Sidecars.IsSidecar(spec, name);
            var message = $"Container {name} failed {kind.ToString().ToLowerInvariant()} probe" + (restart ? ", will be restarted" : "");
            KillInBackground(name, handle, container, grace, message, forceRestart: true);
        }
    }

    /// <summary>The restart policy that applies to this exit: a probe kill restarts under OnFailure whatever the exit code.</summary>
    private string RestartPolicyFor(string name, ContainerTermination termination)
    {
        if (IsEphemeral(name))
        {
            return RestartPolicies.Never;
        }
        if (Sidecars.IsSidecar(Latest.Spec, name))
        {
            _probeKilled.Remove(name);
            return RestartPolicies.Always;
        }
        if (_probeKilled.TryGetValue(name, out var id) && id == termination.ContainerId)
        {
            _probeKilled.Remove(name);
            return RestartPolicy == RestartPolicies.Never ? RestartPolicies.Never : RestartPolicies.Always;
        }
        return RestartPolicy;
    }

    /// <summary>Started and Ready of the running app containers and sidecars, from the probe results.</summary>
    private Dictionary<string, ProbeView> ProbeViews()
    {
        var views = new Dictionary<string, ProbeView>(StringComparer.Ordinal);
        foreach (var (name, handle) in _live)
        {
            if (!Observed.InitContainers.ContainsKey(name) || Sidecars.IsSidecar(Latest.Spec, name))
            {
                var (started, ready) = _ctx.Probes.StateOf(Uid, name, handle.Id);
                views[name] = new ProbeView(started, ready);
            }
        }
        return views;
    }

    /// <summary>What the API showed for a container before an agent restart: re-adopted containers keep it instead of flapping.</summary>
    private ProbeSeed SeedFromStatus(string name)
    {
        var status = Latest.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == name)
            ?? Latest.Status?.InitContainerStatuses?.FirstOrDefault(s => s.Name == name);
        return status?.State?.Running is null ? default : new ProbeSeed(status.Started == true, status.Ready);
    }
}
