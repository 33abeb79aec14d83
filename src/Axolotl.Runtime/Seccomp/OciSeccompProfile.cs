namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// A seccomp profile in the OCI runtime-spec's form (linux.seccomp of config.json): what a Localhost
/// profile file holds and what RuntimeDefault is built as. Fields other runtimes add (Docker's
/// "includes"/"excludes", "archMap") are not part of it: containerd reads the file into this shape and
/// ignores them, so they are ignored here too.
/// </summary>
public sealed record OciSeccompProfile(
    string DefaultAction,
    IReadOnlyList<OciSeccompSyscall> Syscalls,
    IReadOnlyList<string>? Architectures = null,
    uint? DefaultErrnoRet = null,
    IReadOnlyList<string>? Flags = null,
    string? ListenerPath = null)
{
    /// <summary>runc's rule: neither a default action nor any syscall means no filter at all.</summary>
    public bool Disabled => DefaultAction.Length == 0 && Syscalls.Count == 0;
}
