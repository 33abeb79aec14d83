namespace Axolotl.Api.Validation;

/// <summary>
/// A field path as upstream's field.Path renders it: children joined by dots, list indexes as
/// [0] and map keys as [key] (unquoted), e.g. spec.template.spec.containers[0].resources.limits[cpu].
/// </summary>
public readonly record struct FieldPath(string Value)
{
    public static FieldPath Root { get; } = new("");

    /// <summary>Lets callers write FieldError.Required("metadata.name") with a ready-made dotted path.</summary>
    public static implicit operator FieldPath(string value) => new(value);

    public static FieldPath FromString(string value) => new(value);

    public static FieldPath Of(params string[] names)
    {
        var path = Root;
        foreach (var name in names)
        {
            path = path.Child(name);
        }
        return path;
    }

    public FieldPath Child(string name) => new(string.IsNullOrEmpty(Value) ? name : Value + "." + name);

    public FieldPath Child(string name, params string[] more)
    {
        var path = Child(name);
        foreach (var next in more)
        {
            path = path.Child(next);
        }
        return path;
    }

    public FieldPath Index(int index) => new($"{Value}[{index}]");

    public FieldPath Key(string key) => new($"{Value}[{key}]");

    public override string ToString() => Value ?? "";
}
