namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// A profile that cannot be used. <see cref="AtStart"/>: where upstream fails — false when
/// containerd cannot read or decode the file (CreateContainerError), true when runc refuses what it
/// holds at task creation (StartError).
/// </summary>
public sealed class SeccompProfileException(string message, bool atStart) : Exception(message)
{
    public bool AtStart { get; } = atStart;
}
