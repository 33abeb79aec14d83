namespace Axolotl.Agent.Status;

/// <summary>What the probes say about a running container: started (startup probe passed or none) and ready.</summary>
public readonly record struct ProbeView(bool Started, bool Ready);
