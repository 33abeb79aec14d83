namespace Axolotl.Agent.Restart;

/// <summary>
/// One container's place on its back-off curve, as the pod's checkpoint keeps it: a restarted agent
/// (or a server with its local agent) takes each container's curve up where it was, so a restart
/// changes no container's restart schedule (the kubelet keeps it in memory only).
/// </summary>
public sealed record RestartBackoffState(DateTimeOffset LastExit, TimeSpan NextBackoff, RestartAction Action, TimeSpan Backoff, DateTimeOffset? RestartAt);
