using Axolotl.Cel.Costs;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Runtime;

/// <summary>Runs one macro over its iteration scopes with the spec's error rules (all/exists absorb errors they outvote).</summary>
internal readonly struct Comprehension(Interpreter interpreter, ComprehensionExpr c, Scope? outer)
{
    public object Run(IEnumerable<Scope> scopes)
    {
        _ = outer;
        CelError? error = null;
        var count = 0L;
        var results = new List<object>();
        var map = c.Kind == ComprehensionKind.TransformMap ? new CelMap() : null;
        foreach (var scope in scopes)
        {
            interpreter.Cost.Add(1);
            var p = interpreter.Eval(c.Predicate, scope);
            switch (c.Kind)
            {
                case ComprehensionKind.All when p is false:
                    return false;
                case ComprehensionKind.Exists when p is true:
                    return true;
                case ComprehensionKind.All or ComprehensionKind.Exists:
                    if (p is not bool)
                    {
                        error ??= p as CelError ?? CelError.NoSuchOverload(c.Kind.ToString());
                    }

                    break;
                case ComprehensionKind.ExistsOne:
                    if (p is not bool pb)
                    {
                        return p as CelError ?? CelError.NoSuchOverload("exists_one");
                    }

                    count += pb ? 1 : 0;
                    break;
                case ComprehensionKind.TransformList or ComprehensionKind.TransformMap:
                    if (p is not bool take)
                    {
                        return p as CelError ?? CelError.NoSuchOverload(c.Kind.ToString());
                    }

                    if (!take)
                    {
                        break;
                    }

                    var t = interpreter.Eval(c.Transform!, scope);
                    if (t is CelError)
                    {
                        return t;
                    }

                    if (map is not null)
                    {
                        scope.Parent!.TryGet(c.Var, out var key);
                        map.TryAdd(key, t);
                    }
                    else
                    {
                        results.Add(t);
                    }

                    break;
                case ComprehensionKind.Filter or ComprehensionKind.Map:
                    if (p is not bool keep)
                    {
                        return p as CelError ?? CelError.NoSuchOverload(c.Kind.ToString());
                    }

                    if (!keep)
                    {
                        break;
                    }

                    var v = c.Transform is null ? scope.TryGet(c.Var, out var x) ? x : CelNull.Value : interpreter.Eval(c.Transform, scope);
                    if (v is CelError)
                    {
                        return v;
                    }

                    results.Add(v);
                    break;
            }
        }

        return c.Kind switch
        {
            ComprehensionKind.All => error ?? (object)true,
            ComprehensionKind.Exists => error ?? (object)false,
            ComprehensionKind.ExistsOne => count == 1,
            ComprehensionKind.TransformMap => map!,
            _ => results,
        };
    }
}
