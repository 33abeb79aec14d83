using Axolotl.Cel.Syntax;

namespace Axolotl.Cel.Checking;

/// <summary>
/// Where the values an expression reads come from, for the checks that follow a schema before a rule runs (the cost
/// estimator, the field checker): a path is a variable followed by field names, <c>@items</c> for an element (or key)
/// a macro iterates, <c>@values</c> for a map's value. Macro variables in scope carry the path of what they take.
/// </summary>
internal sealed class ValuePaths(Func<string, bool> isVariable, bool throughOptionalSelects)
{
    private readonly Dictionary<string, IReadOnlyList<string>?> _bound = new(StringComparer.Ordinal);

    /// <summary>"self.spec.items" as ["self", "spec", "items"]; null when the value does not come from a variable by field selection.</summary>
    public IReadOnlyList<string>? PathOf(Expr e) => e switch
    {
        IdentExpr id when _bound.TryGetValue(id.Name, out var bound) => bound,
        IdentExpr id when isVariable(id.Name) => [id.Name],
        SelectExpr { TestOnly: false } s when (throughOptionalSelects || !s.Optional) && PathOf(s.Operand) is { } operand => [.. operand, s.Field],
        _ => null,
    };

    /// <summary>Runs <paramref name="body"/> with <paramref name="name"/> (none when null) bound to <paramref name="path"/>, then unbinds it.</summary>
    public T Scoped<T>(string? name, IReadOnlyList<string>? path, Func<T> body)
    {
        if (name is null)
        {
            return body();
        }
        var had = _bound.TryGetValue(name, out var saved);
        _bound[name] = path;
        try
        {
            return body();
        }
        finally
        {
            if (had)
            {
                _bound[name] = saved;
            }
            else
            {
                _bound.Remove(name);
            }
        }
    }

    public void Scoped(string? name, IReadOnlyList<string>? path, Action body) => Scoped(name, path, () =>
    {
        body();
        return 0;
    });
}
