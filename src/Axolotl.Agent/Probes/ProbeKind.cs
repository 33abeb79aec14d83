namespace Axolotl.Agent.Probes;

public enum ProbeKind
{
    Liveness,
    Readiness,
    Startup,
}

/// <summary>One probe worker's identity: the kubelet's probeKey (pod UID, container name, probe type).</summary>
public readonly record struct ProbeKey(string PodUid, string Container, ProbeKind Kind)
{
    /// <summary>"Liveness", "Readiness" or "Startup": how events and describe name the probe.</summary>
    public string KindName => Kind.ToString();
}
