namespace Axolotl.Runtime;

/// <summary>
/// Absolute paths of the host tools the isolated runtime runs (found by <see cref="RuntimeProbe"/>).
/// <paramref name="Launcher"/> is the native axolotl-launch next to the assemblies; null means the
/// shell chain of <see cref="LaunchScripts"/> starts containers; only that chain runs <paramref name="Tini"/>
/// (the launcher's PID 1 is the container's init itself).
/// </summary>
public sealed record RuntimeTools(string Unshare, string Nsenter, string Tini, string Ip, string? Script, string? Launcher = null);
