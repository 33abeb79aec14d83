namespace Axolotl.Cel.Values;

/// <summary>
/// A Kubernetes resource quantity for the CEL quantity library, held as an exact decimal. Decimal's 28 digits cover
/// every quantity a pod spec carries; the string keeps the original spelling for <c>string()</c>.
/// </summary>
public sealed class CelQuantity(decimal value, string text) : IEquatable<CelQuantity>
{
    public decimal Value { get; } = value;

    public string Text { get; } = text;

    public bool Equals(CelQuantity? other) => other is not null && Value == other.Value;

    public override bool Equals(object? obj) => Equals(obj as CelQuantity);

    public override int GetHashCode() => Value.GetHashCode();

    public override string ToString() => Text;
}
