namespace Axolotl.Runtime.Seccomp;

/// <summary>A compiled filter on disk for the launcher's --seccomp (a raw sock_filter array) and its seccomp(2) flags.</summary>
public sealed record SeccompProgram(string Path, uint Flags);
