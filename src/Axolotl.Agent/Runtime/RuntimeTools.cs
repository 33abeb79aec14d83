namespace Axolotl.Agent.Runtime;

/// <summary>Absolute paths of the host tools the isolated runtime runs (found by <see cref="RuntimeProbe"/>).</summary>
public sealed record RuntimeTools(string Unshare, string Nsenter, string Tini, string Ip, string? Script);
