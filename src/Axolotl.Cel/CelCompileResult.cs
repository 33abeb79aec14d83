namespace Axolotl.Cel;

/// <summary>Either a program or the compile error in kube-apiserver's wording ("compilation failed: ERROR: &lt;input&gt;:1:1: ...").</summary>
public sealed record CelCompileResult(CelProgram? Program, string? Error)
{
    public bool Success => Program is not null;

    internal static CelCompileResult Compiled(CelProgram program) => new(program, null);

    internal static CelCompileResult Failed(string error) => new(null, error);
}
