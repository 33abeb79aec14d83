namespace Axolotl.Agent.Runtime;

/// <summary>
/// Absolute paths of the host tools the isolated runtime runs (found by <see cref="RuntimeProbe"/>).
/// <paramref name="Launcher"/> is the native axolotl-launch next to the assemblies; null means the
/// shell chain of <see cref="LaunchScripts"/> starts containers. <paramref name="TiniStatic"/> is the
/// static tini a container with its own root runs (nothing of the node's libraries is there); null
/// when not installed.
/// </summary>
public sealed record RuntimeTools(string Unshare, string Nsenter, string Tini, string Ip, string? Script, string? Launcher = null, string? TiniStatic = null);
