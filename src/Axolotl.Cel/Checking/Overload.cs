using Axolotl.Cel.Types;

namespace Axolotl.Cel.Checking;

/// <summary>One signature of a function: receiver-style or global, argument types (receiver first) and result; <c>A</c>, <c>B</c> are type parameters.</summary>
internal sealed record Overload(bool Member, IReadOnlyList<CelDeclType> Args, CelDeclType Result);
