namespace Axolotl.Cel.Values;

/// <summary>
/// An evaluation error carried as a value: CEL's <c>&&</c>, <c>||</c>, <c>?:</c>, <c>all</c> and <c>exists</c> may absorb an
/// error from the branch they do not need, so errors cannot simply be exceptions.
/// </summary>
public sealed class CelError(string message)
{
    public string Message { get; } = message;

    public static CelError NoSuchOverload(string function) => new($"no such overload: {function}");

    public static CelError NoSuchKey(object key) => new($"no such key: {CelValues.Format(key)}");

    public override string ToString() => Message;
}
