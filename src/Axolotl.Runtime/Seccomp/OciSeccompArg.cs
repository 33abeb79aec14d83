namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// A condition on one argument: args[Index] Op Value, or for SCMP_CMP_MASKED_EQ
/// (args[Index] &amp; Value) == ValueTwo, on the full 64-bit value.
/// </summary>
public sealed record OciSeccompArg(uint Index, ulong Value, string Op, ulong ValueTwo = 0);
