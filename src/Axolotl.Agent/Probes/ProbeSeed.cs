namespace Axolotl.Agent.Probes;

/// <summary>
/// Results carried over for a container re-adopted after an agent restart (from its last published
/// status), so its pod does not flap to not-ready while the first probes run. Default: a fresh start.
/// </summary>
public readonly record struct ProbeSeed(bool Started, bool Ready);
