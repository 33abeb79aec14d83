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
    private readonly ValuePaths _paths = new(declared.Contains, throughOptionalSelects: false);

    public void Check(Expr e)
    {
        switch (e)
        {
            case SelectExpr s:
                Check(s.Operand);
                if (!s.Optional && _paths.PathOf(s.Operand) is { } operand && check(operand, s.Field) is { } error)
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
                var range = _paths.PathOf(c.Range);
                _paths.Scoped(c.Var, c.Var2 is null && range is not null ? [.. range, "@items"] : null, () =>
                    _paths.Scoped(c.Var2, range is null ? null : [.. range, "@values"], () =>
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
                _paths.Scoped(o.Var, null, () => Check(o.Body));
                break;
            case BindExpr b:
                Check(b.Init);
                _paths.Scoped(b.Name, null, () => Check(b.Body));
                break;
            default:
                break;
        }
    }
}
