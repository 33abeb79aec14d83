using Axolotl.Cel.Costs;
using Axolotl.Cel.Library;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Runtime;

/// <summary>
/// Walks a checked expression tree. Errors are values (<see cref="CelError"/>) so the non-strict operators can absorb
/// them. Each step is charged to the <see cref="CostTracker"/> as cel-go's cost observer charges the instruction
/// kube-apiserver's planner makes of it: reading a variable or applying a field or index 1 (see
/// <c>Interpreter.Attributes.cs</c>), a constant 0, building a list 10 and a map 30, a function call its
/// <see cref="CallCosts"/>, the logical operators, the conditional and <c>or</c>/<c>orValue</c> nothing of their own.
/// </summary>
internal sealed partial class Interpreter(IReadOnlyDictionary<string, object> variables, CostTracker cost, CostPlan plan)
{
    private const long ListCreateCost = 10;
    private const long MapCreateCost = 30;

    private readonly EvalState _state = new();

    // Above zero while evaluating a node the planner folded into a constant: its parts cost nothing.
    private int _folded;

    public CostPlan Plan => plan;

    public void Charge(long amount)
    {
        if (_folded == 0)
        {
            cost.Add(amount);
        }
    }

    public object Eval(Expr e, Scope? scope)
    {
        // The parser bounds depth; this is the backstop that turns a too-deep tree into an error, not a crash.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (_folded == 0 && plan.IsConstant(e))
        {
            return Constant(e, scope);
        }
        switch (e)
        {
            case LiteralExpr l:
                return l.Value;
            case IdentExpr id:
                var value = Lookup(id.Name, scope);
                Charge(1);
                return value;
            case SelectExpr or CallExpr { Function: "[]" or "[?]" }:
                return Attribute(e, scope);
            case CallExpr { Function: "?:" } c:
                return Conditional(c, scope);
            case CallExpr c:
                return Call(c, scope);
            case ListExpr l:
                var list = List(l, scope);
                Charge(ListCreateCost);
                return list;
            case MapExpr m:
                var map = Map(m, scope);
                Charge(MapCreateCost);
                return map;
            case ComprehensionExpr c:
                return Comprehension(c, scope);
            case OptMapExpr o:
                return OptMap(o, scope);
            case BindExpr b:
                // cel-go's bind is a fold over [] whose accumulator is the variable, initialised when first read.
                return Eval(b.Body, new Scope(b.Name, () => Eval(b.Init, scope), scope));
            default:
                return new CelError($"unsupported expression {e.GetType().Name}");
        }
    }

    private object Constant(Expr e, Scope? scope)
    {
        if (e is CallExpr c && CostPlan.IsEmptyMembership(c))
        {
            return false;
        }
        _folded++;
        try
        {
            return Eval(e, scope);
        }
        finally
        {
            _folded--;
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

    private object Call(CallExpr c, Scope? scope)
    {
        switch (c.Function)
        {
            case "&&" or "||":
                return Logic(c, scope, c.Function == "&&");
            case "or" when c.Target is not null:
            case "orValue" when c.Target is not null:
                return OptionalOr(c, scope);
            case "in" when c.Target is null && plan.IsConstant(c.Args[1]):
                return Membership(c, scope);
        }

        var n = c.Args.Count + (c.Target is null ? 0 : 1);
        var args = new object[n];
        var i = 0;
        foreach (var a in c.Target is null ? c.Args : c.Args.Prepend(c.Target))
        {
            var value = Eval(a, scope);
            // A call of three or more arguments stops at the first error, and cel-go then charges nothing for it.
            if (n >= 3 && value is CelError)
            {
                return value;
            }
            args[i++] = value;
        }

        var overload = plan.OverloadOf(c);
        // Charged before the work so that an expensive call over the limit is stopped before it runs; join is charged
        // by its result. The total at any stop is the same as cel-go's, which charges after.
        var chargedFirst = c.Function != "join";
        if (chargedFirst)
        {
            Charge(CallCosts.Of(c.Function, overload, args, CelNull.Value));
        }
        var result = Invoke(c, args);
        if (!chargedFirst)
        {
            Charge(CallCosts.Of(c.Function, overload, args, result));
        }
        return result;
    }

    private object Invoke(CallExpr c, object[] args)
    {
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

    // x in a constant list: a set lookup for primitive items, with no call cost; the usual list scan otherwise.
    private object Membership(CallExpr c, Scope? scope)
    {
        var item = Eval(c.Args[0], scope);
        var list = Eval(c.Args[1], scope);
        var primitives = list is IReadOnlyList<object> items && items.All(x => x is bool or long or ulong or double or string);
        if (!primitives)
        {
            Charge(CallCosts.Of("in", plan.OverloadOf(c), [item, list], CelNull.Value));
        }
        return Invoke(c, [item, list]);
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
        return new Comprehension(this, c).Run(items.Select(it =>
            c.Var2 is null
                ? new Scope(c.Var, oneVarIsSecond ? it.Second : it.First, scope)
                : new Scope(c.Var2, it.Second, new Scope(c.Var, it.First, scope))));
    }

    // cel-go expands opt.optMap(v, body) to `opt.hasValue() ? optional.of(<bind v = opt.value() in body>) : optional.none()`
    // (optFlatMap without optional.of): hasValue, of, none and value cost 1 each, and reading v evaluates opt again.
    private object OptMap(OptMapExpr o, Scope? scope)
    {
        var target = Eval(o.Target, scope);
        Charge(1);
        if (target is not CelOptional opt)
        {
            return target is CelError ? target : CelError.NoSuchOverload(o.Flat ? "optFlatMap" : "optMap");
        }

        if (!opt.HasValue)
        {
            Charge(1);
            return CelOptional.None;
        }

        var v = Eval(o.Body, new Scope(o.Var, () => ValueOf(o.Target, scope), scope));
        if (o.Flat)
        {
            return v is CelOptional or CelError ? v : CelError.NoSuchOverload("optFlatMap");
        }

        Charge(1);
        return v is CelError ? v : CelOptional.Of(v);
    }

    private object ValueOf(Expr optional, Scope? scope)
    {
        var again = Eval(optional, scope);
        Charge(1);
        return again switch
        {
            CelOptional { HasValue: true } some => some.Value!,
            CelError => again,
            _ => new CelError("optional.none() dereference"),
        };
    }
}
