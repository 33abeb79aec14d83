using Axolotl.Cel.Costs;
using Axolotl.Cel.Library;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Runtime;

/// <summary>
/// Walks a checked expression tree. Errors are values (<see cref="CelError"/>) so the non-strict operators can absorb
/// them; every node visited and every comprehension step is charged to the <see cref="CostTracker"/>.
/// </summary>
internal sealed class Interpreter(IReadOnlyDictionary<string, object> variables, CostTracker cost)
{
    private readonly EvalState _state = new(cost);

    public object Eval(Expr e, Scope? scope)
    {
        // The parser bounds depth; this is the backstop that turns a too-deep tree into an error, not a crash.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        cost.Add(1);
        switch (e)
        {
            case LiteralExpr l:
                return l.Value;
            case IdentExpr id:
                return Lookup(id.Name, scope);
            case SelectExpr s:
                return Select(s, scope);
            case CallExpr c:
                return Call(c, scope);
            case ListExpr l:
                return List(l, scope);
            case MapExpr m:
                return Map(m, scope);
            case ComprehensionExpr c:
                return Comprehension(c, scope);
            case OptMapExpr o:
                return OptMap(o, scope);
            case BindExpr b:
                var init = Eval(b.Init, scope);
                return Eval(b.Body, new Scope(b.Name, init, scope));
            default:
                return new CelError($"unsupported expression {e.GetType().Name}");
        }
    }

    private object Lookup(string name, Scope? scope)
    {
        if (scope is not null && scope.TryGet(name, out var v))
        {
            return v;
        }

        if (variables.TryGetValue(name, out var bound))
        {
            return bound;
        }

        return CelType.ByName.TryGetValue(name, out var t) ? t : new CelError($"no such attribute: {name}");
    }

    private object Select(SelectExpr s, Scope? scope)
    {
        var operand = Eval(s.Operand, scope);
        if (operand is CelError)
        {
            return operand;
        }

        if (operand is CelOptional { } o && s.TestOnly)
        {
            return o.HasValue && o.Value is CelMap om && om.TryGetValue(FieldNames.Unescape(s.Field), out _);
        }

        if (operand is CelOptional opt)
        {
            // Once a chain is optional it stays optional: a missing field further on is "none", not an error.
            return opt.HasValue ? SelectOptional(opt.Value!, s.Field) : CelOptional.None;
        }

        if (s.Optional)
        {
            return SelectOptional(operand, s.Field);
        }

        if (operand is CelLazyObject lazy)
        {
            var name = FieldNames.Unescape(s.Field);
            return s.TestOnly ? lazy.Has(name) : lazy.TryGetValue(name, out var computed) ? computed : CelError.NoSuchKey(name);
        }

        if (operand is not CelMap map)
        {
            return CelError.NoSuchOverload($"select '{s.Field}' on {CelValues.TypeOf(operand)}");
        }

        var field = FieldNames.Unescape(s.Field);
        if (s.TestOnly)
        {
            return map.TryGetValue(field, out _);
        }

        return map.TryGetValue(field, out var v) ? v : CelError.NoSuchKey(field);
    }

    private static object SelectOptional(object operand, string field) => operand switch
    {
        CelMap m => m.TryGetValue(FieldNames.Unescape(field), out var v) ? CelOptional.Of(v) : CelOptional.None,
        CelLazyObject lazy => lazy.TryGetValue(FieldNames.Unescape(field), out var v) ? CelOptional.Of(v) : CelOptional.None,
        _ => CelError.NoSuchOverload($"select '{field}' on {CelValues.TypeOf(operand)}"),
    };

    private object Call(CallExpr c, Scope? scope)
    {
        switch (c.Function)
        {
            case "&&" or "||":
                return Logic(c, scope, c.Function == "&&");
            case "?:":
                var cond = Eval(c.Args[0], scope);
                return cond switch
                {
                    true => Eval(c.Args[1], scope),
                    false => Eval(c.Args[2], scope),
                    CelError => cond,
                    _ => CelError.NoSuchOverload("_?_:_"),
                };
            case "or" when c.Target is not null:
            case "orValue" when c.Target is not null:
                return OptionalOr(c, scope);
        }

        var n = c.Args.Count + (c.Target is null ? 0 : 1);
        var args = new object[n];
        var i = 0;
        if (c.Target is not null)
        {
            args[i++] = Eval(c.Target, scope);
        }

        foreach (var a in c.Args)
        {
            args[i++] = Eval(a, scope);
        }

        foreach (var a in args)
        {
            if (a is CelError)
            {
                return a;
            }
        }

        var fn = c.Target is null ? Functions.Global(c.Function) : Functions.Member(c.Function);
        return fn is null ? new CelError($"no such function: {c.Function}") : fn(args, _state);
    }

    // Short-circuit in either order: an error on one side is absorbed when the other side decides the result.
    private object Logic(CallExpr c, Scope? scope, bool isAnd)
    {
        var left = Eval(c.Args[0], scope);
        if (left is bool lb && lb != isAnd)
        {
            return lb;
        }

        var right = Eval(c.Args[1], scope);
        if (right is bool rb && rb != isAnd)
        {
            return rb;
        }

        if (left is bool && right is bool)
        {
            return isAnd;
        }

        if (left is CelError)
        {
            return left;
        }

        return right is CelError ? right : CelError.NoSuchOverload(isAnd ? "_&&_" : "_||_");
    }

    // or/orValue evaluate their argument only when the receiver is empty.
    private object OptionalOr(CallExpr c, Scope? scope)
    {
        var target = Eval(c.Target!, scope);
        if (target is not CelOptional opt || c.Args.Count != 1)
        {
            return target is CelError ? target : CelError.NoSuchOverload(c.Function);
        }

        if (opt.HasValue)
        {
            return c.Function == "or" ? opt : opt.Value!;
        }

        var alt = Eval(c.Args[0], scope);
        return c.Function == "or" && alt is not CelOptional and not CelError ? CelError.NoSuchOverload("or") : alt;
    }

    private object List(ListExpr l, Scope? scope)
    {
        var items = new List<object>(l.Elements.Count);
        for (var i = 0; i < l.Elements.Count; i++)
        {
            var v = Eval(l.Elements[i], scope);
            if (v is CelError)
            {
                return v;
            }

            if (l.Optional[i])
            {
                if (v is not CelOptional o)
                {
                    return CelError.NoSuchOverload("optional list element");
                }

                if (o.HasValue)
                {
                    items.Add(o.Value!);
                }

                continue;
            }

            items.Add(v);
        }

        return items;
    }

    private object Map(MapExpr m, Scope? scope)
    {
        var map = new CelMap();
        foreach (var entry in m.Entries)
        {
            var k = Eval(entry.Key, scope);
            if (k is CelError)
            {
                return k;
            }

            var v = Eval(entry.Value, scope);
            if (v is CelError)
            {
                return v;
            }

            if (!CelMap.IsValidKey(k))
            {
                return new CelError($"unsupported key type: {CelValues.TypeOf(k)}");
            }

            if (entry.Optional)
            {
                if (v is not CelOptional o)
                {
                    return CelError.NoSuchOverload("optional map entry");
                }

                if (!o.HasValue)
                {
                    continue;
                }

                v = o.Value!;
            }

            if (!map.TryAdd(k, v))
            {
                return new CelError($"Failed with repeated key: {CelValues.Format(k)}");
            }
        }

        return map;
    }

    private object Comprehension(ComprehensionExpr c, Scope? scope)
    {
        var range = Eval(c.Range, scope);
        if (range is CelError)
        {
            return range;
        }

        IEnumerable<(object First, object Second)> items = range switch
        {
            IReadOnlyList<object> list => list.Select((v, i) => ((object)(long)i, v)),
            CelMap map => map.Entries.Select(e => (e.Key, e.Value)),
            _ => [],
        };
        if (range is not IReadOnlyList<object> and not CelMap)
        {
            return CelError.NoSuchOverload($"{c.Kind} on {CelValues.TypeOf(range)}");
        }

        // With one variable it is the element of a list or the key of a map; with two, (index, element) or (key, value).
        var oneVarIsSecond = range is IReadOnlyList<object>;
        return new Comprehension(this, c, scope).Run(items.Select(it =>
            c.Var2 is null
                ? new Scope(c.Var, oneVarIsSecond ? it.Second : it.First, scope)
                : new Scope(c.Var2, it.Second, new Scope(c.Var, it.First, scope))));
    }

    private object OptMap(OptMapExpr o, Scope? scope)
    {
        var target = Eval(o.Target, scope);
        if (target is not CelOptional opt)
        {
            return target is CelError ? target : CelError.NoSuchOverload(o.Flat ? "optFlatMap" : "optMap");
        }

        if (!opt.HasValue)
        {
            return CelOptional.None;
        }

        var v = Eval(o.Body, new Scope(o.Var, opt.Value!, scope));
        return v is CelError || o.Flat ? (v is CelOptional or CelError ? v : CelError.NoSuchOverload("optFlatMap")) : CelOptional.Of(v);
    }

    internal CostTracker Cost => cost;
}
