using Axolotl.Cel.Syntax;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Runtime;

/// <summary>
/// Runs one macro over its iteration scopes, with the spec's error rules and cel-go's costs: each step is charged what
/// the fold the macro expands to costs (the loop condition, then the step that updates <c>__result__</c>), and reading
/// the result once at the end. The accumulator's initial value (true, false, 0, [], {}) is a constant, so free.
/// </summary>
/// <remarks>
/// The folds, as cel-go 0.22 writes them: <c>all</c> checks <c>@not_strictly_false(__result__)</c> (2) before each item
/// and steps <c>__result__ &amp;&amp; p</c> (1 + p); <c>exists</c> checks <c>@not_strictly_false(!__result__)</c> (3) and
/// steps <c>__result__ || p</c> (1 + p); both stop at the first check that fails. The others never stop early:
/// <c>exists_one</c> steps <c>p ? __result__ + 1 : __result__</c> (p, plus 2 when true) and ends with
/// <c>__result__ == 1</c> (2); <c>map</c>, <c>filter</c> and <c>transformList</c> step <c>p ? __result__ + [t] : __result__</c>
/// (p, plus 12 + t when true: the list of one is 10 unless t is a constant, <c>filter</c>'s t its variable at 1);
/// <c>transformMap</c> steps <c>cel.@mapInsert(__result__, k, t)</c> (p, plus 3 + t when true).
/// </remarks>
internal readonly struct Comprehension(Interpreter interpreter, ComprehensionExpr c)
{
    private const long ListCreateCost = 10;

    public object Run(IEnumerable<Scope> scopes) => c.Kind switch
    {
        ComprehensionKind.All => Quantifier(scopes, all: true),
        ComprehensionKind.Exists => Quantifier(scopes, all: false),
        ComprehensionKind.ExistsOne => ExistsOne(scopes),
        ComprehensionKind.TransformMap => TransformMap(scopes),
        _ => Collect(scopes),
    };

    private object Quantifier(IEnumerable<Scope> scopes, bool all)
    {
        object result = all;
        foreach (var scope in scopes)
        {
            interpreter.Charge(all ? 2 : 3);
            if (result is bool decided && decided != all)
            {
                break;
            }

            interpreter.Charge(1);
            var p = interpreter.Eval(c.Predicate, scope);
            if (p is bool pb && pb != all)
            {
                result = pb;
            }
            else if (result is bool && p is not bool)
            {
                // An error is kept unless a later item decides the result.
                result = p as CelError ?? CelError.NoSuchOverload(c.Kind.ToString());
            }
        }

        interpreter.Charge(1);
        return result;
    }

    private object ExistsOne(IEnumerable<Scope> scopes)
    {
        object count = 0L;
        foreach (var scope in scopes)
        {
            var p = interpreter.Eval(c.Predicate, scope);
            switch (p)
            {
                case true:
                    interpreter.Charge(2);
                    count = count is long n ? n + 1 : count;
                    break;
                case false:
                    break;
                default:
                    count = p as CelError ?? CelError.NoSuchOverload("exists_one");
                    break;
            }
        }

        interpreter.Charge(2);
        return count is long total ? total == 1 : count;
    }

    // map, filter and transformList: the items kept (or transformed), or the error that ended up in __result__.
    private object Collect(IEnumerable<Scope> scopes)
    {
        var results = new List<object>();
        CelError? error = null;
        var item = c.Transform ?? new IdentExpr(c.Var, c.Position);
        var oneItemList = c.Transform is not null && interpreter.Plan.IsConstant(c.Transform) ? 0 : ListCreateCost;
        foreach (var scope in scopes)
        {
            if (!Take(scope, ref error))
            {
                continue;
            }

            interpreter.Charge(1);
            var v = interpreter.Eval(item, scope);
            interpreter.Charge(oneItemList + 1);
            if (error is not null)
            {
                continue;
            }

            if (v is CelError e)
            {
                error = e;
            }
            else
            {
                results.Add(v);
            }
        }

        interpreter.Charge(1);
        return error ?? (object)results;
    }

    private object TransformMap(IEnumerable<Scope> scopes)
    {
        var map = new CelMap();
        CelError? error = null;
        foreach (var scope in scopes)
        {
            if (!Take(scope, ref error))
            {
                continue;
            }

            // A call of three arguments: it stops at the first error among them, uncharged.
            interpreter.Charge(1);
            if (error is not null)
            {
                continue;
            }

            interpreter.Charge(1);
            var t = interpreter.Eval(c.Transform!, scope);
            if (t is CelError e)
            {
                error = e;
                continue;
            }

            interpreter.Charge(1);
            scope.Parent!.TryGet(c.Var, out var key);
            map.TryAdd(key, t);
        }

        interpreter.Charge(1);
        return error ?? (object)map;
    }

    // The filter of a step; a non-bool filter puts its error in __result__ and the fold goes on.
    private bool Take(Scope scope, ref CelError? error)
    {
        var p = interpreter.Eval(c.Predicate, scope);
        if (p is bool take)
        {
            return take;
        }

        error = p as CelError ?? CelError.NoSuchOverload(c.Kind.ToString());
        return false;
    }
}
