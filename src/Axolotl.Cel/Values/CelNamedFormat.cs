namespace Axolotl.Cel.Values;

/// <summary>
/// A value of Kubernetes' <c>kubernetes.NamedFormat</c> type (the format library): a named string check returning
/// upstream's messages, and the regex size its validate() is charged for. Two formats are equal when their names are.
/// </summary>
public sealed class CelNamedFormat(string name, int maxRegexSize, Func<string, IReadOnlyList<string>> validate) : IEquatable<CelNamedFormat>
{
    public string Name { get; } = name;

    /// <summary>The size of the regex (or its estimated equivalent) that prices a validate() call.</summary>
    public int MaxRegexSize { get; } = maxRegexSize;

    public IReadOnlyList<string> Validate(string value) => validate(value);

    public bool Equals(CelNamedFormat? other) => other is not null && Name == other.Name;

    public override bool Equals(object? obj) => Equals(obj as CelNamedFormat);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;
}
