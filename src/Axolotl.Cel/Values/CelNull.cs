namespace Axolotl.Cel.Values;

/// <summary>CEL's <c>null</c>, distinct from a C# null so that "no value" can never be mistaken for it.</summary>
public sealed class CelNull
{
    public static readonly CelNull Value = new();

    private CelNull()
    {
    }

    public override string ToString() => "null";
}
