namespace Axolotl.Agent.Probes.Probers;

/// <summary>The result of one probe run, as the kubelet's probe.Result minus Unknown.</summary>
public enum ProbeOutcome
{
    Success,

    /// <summary>Counts as success, but the manager should record a ProbeWarning event (the kubelet does so for a redirect it did not follow).</summary>
    Warning,

    Failure,
}
