using Axolotl.Cel.Syntax;

namespace Axolotl.Cel.Checking;

/// <summary>
/// Checks field selections against what the caller knows of a variable's shape, the part of cel-go's type checking that
/// catches most mistakes in CRD rules: <c>self.replicsa</c> on a schema without that property is "undefined field
/// 'replicsa'" when the rule is compiled, not a "no such key" at every write. Paths are named as for the cost
/// estimator (<c>["self", "spec", "ports", "@items", "name"]</c>); the callback returns an error or null.
/// </summary>
internal sealed class FieldChecker(IReadOnlySet<string> declared, Func<IReadOnlyList<string>, string, string?> check)
{
    private readonly Dictionary<string, IReadOnlyList<string>?> _bound = new(StringComparer.Ordinal);

    public void Check(Expr e)
    {
        switch (e)
        {
            case SelectExpr s:
                Check(s.Operand);
                if (!s.Optional && PathOf(s.Operand) is { } operand && check(operand, s.Field) is { } error)
                {
                    throw new CelSyntaxException(error, s.Position);
                }
                break;
            case CallExpr c:
                if (c.Target is not null)
                {
                    Check(c.Target);
                }
                foreach (var a in c.Args)
                {
                    Check(a);
                }
                break;
            case ListExpr l:
                foreach (var x in l.Elements)
                {
                    Check(x);
                }
                break;
            case MapExpr m:
                foreach (var x in m.Entries)
                {
                    Check(x.Key);
                    Check(x.Value);
                }
                break;
            case ComprehensionExpr c:
                Check(c.Range);
                var range = PathOf(c.Range);
                Scoped(c.Var, c.Var2 is null && range is not null ? [.. range, "@items"] : null, () =>
                    Scoped(c.Var2, range is null ? null : [.. range, "@values"], () =>
                    {
                        Check(c.Predicate);
                        if (c.Transform is not null)
                        {
                            Check(c.Transform);
                        }
                    }));
                break;
            case OptMapExpr o:
                Check(o.Target);
                Scoped(o.Var, null, () => Check(o.Body));
                break;
            case BindExpr b:
                Check(b.Init);
                Scoped(b.Name, null, () => Check(b.Body));
                break;
            default:
                break;
        }
    }

    private void Scoped(string? name, IReadOnlyList<string>? path, Action body)
    {
        if (name is null)
        {
            body();
            return;
        }
        var had = _bound.TryGetValue(name, out var saved);
        _bound[name] = path;
        body();
        if (had)
        {
            _bound[name] = saved;
        }
        else
        {
            _bound.Remove(name);
        }
    }

    private IReadOnlyList<string>? PathOf(Expr e) => e switch
    {
        IdentExpr id when _bound.TryGetValue(id.Name, out var bound) => bound,
        IdentExpr id when declared.Contains(id.Name) => [id.Name],
        SelectExpr { TestOnly: false, Optional: false } s when PathOf(s.Operand) is { } operand => [.. operand, s.Field],
        _ => null,
    };
}
