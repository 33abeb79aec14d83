namespace Axolotl.Runtime.Seccomp;

/// <summary>One entry of a profile's "syscalls": every name gets the action when all args match.</summary>
public sealed record OciSeccompSyscall(IReadOnlyList<string> Names, string Action, IReadOnlyList<OciSeccompArg>? Args = null, uint? ErrnoRet = null);
