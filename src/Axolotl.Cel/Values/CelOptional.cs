namespace Axolotl.Cel.Values;

/// <summary>The value of CEL's <c>optional</c> library (Kubernetes enables it for messageExpression and policies).</summary>
public sealed class CelOptional
{
    public static readonly CelOptional None = new(null);

    private CelOptional(object? value) => Value = value;

    /// <summary>The wrapped value, or null for <see cref="None"/>.</summary>
    public object? Value { get; }

    public bool HasValue => Value is not null;

    public static CelOptional Of(object value) => new(value);

    public override bool Equals(object? obj) =>
        obj is CelOptional o && (HasValue ? o.HasValue && CelValues.Equal(Value!, o.Value!) is true : !o.HasValue);

    public override int GetHashCode() => HasValue ? 1 : 0;
}
