using Axolotl.Cel.Types;

namespace Axolotl.Cel;

/// <summary>
/// Either a program and the type of its result, or the compile error in kube-apiserver's wording ("compilation failed:
/// ERROR: &lt;input&gt;:1:1: ..."). Callers judge <see cref="ResultType"/> themselves, since each words it differently.
/// </summary>
public sealed record CelCompileResult(CelProgram? Program, string? Error)
{
    public bool Success => Program is not null;

    /// <summary>The checked type of the expression's value; <c>dyn</c> when it is only known when it runs. Null on failure.</summary>
    public CelDeclType? ResultType { get; init; }

    internal static CelCompileResult Compiled(CelProgram program, CelDeclType type) => new(program, null) { ResultType = type };

    internal static CelCompileResult Failed(string error) => new(null, error);
}
