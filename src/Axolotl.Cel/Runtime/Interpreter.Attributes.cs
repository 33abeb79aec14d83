using Axolotl.Cel.Library;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Runtime;

/// <summary>
/// Field selection, indexing and the conditional, charged as cel-go charges the attributes its planner makes of them.
/// A chain such as <c>self.spec.ports[0].name</c> is one attribute: each field or index applied costs 1 (even when it
/// fails; in an optional chain only when the field is there), and the chain itself costs 1 more once resolved when it
/// starts at a variable or at a computed value (<c>f(x).y</c>), 0 when it starts at a conditional. <c>has()</c> costs
/// its fields only (Kubernetes sets PresenceTestHasCost(false)).
/// </summary>
/// <remarks>
/// Upstream quirks kept, since they change the numbers: the branches of <c>c ? a : b</c>, and an index that is itself
/// an attribute (<c>m[k]</c>), are resolved without that extra 1 for their own chain (cel-go resolves them as raw
/// attributes, outside the observer), though their fields are still charged.
/// </remarks>
internal sealed partial class Interpreter
{
    private object Attribute(Expr e, Scope? scope)
    {
        var value = Resolve(e, scope);
        Charge(ChainCost(e));
        return value;
    }

    /// <summary>An expression's value as a raw attribute: a chain's fields are charged, its own 1 is not.</summary>
    private object Resolve(Expr e, Scope? scope)
    {
        if (plan.IsConstant(e))
        {
            return Eval(e, scope);
        }
        return e switch
        {
            IdentExpr id => Lookup(id.Name, scope),
            SelectExpr s => Select(s, scope),
            CallExpr { Function: "[]" or "[?]" } c => Index(c, scope),
            CallExpr { Function: "?:" } c => Conditional(c, scope),
            _ => Eval(e, scope),
        };
    }

    // What resolving a chain costs besides its fields: 1 for a variable or a computed value, 0 for a conditional and for has().
    private long ChainCost(Expr e)
    {
        if (e is SelectExpr { TestOnly: true })
        {
            return 0;
        }
        while (true)
        {
            switch (e)
            {
                case SelectExpr s when !plan.IsConstant(s):
                    e = s.Operand;
                    continue;
                case CallExpr { Function: "[]" or "[?]" } c when !plan.IsConstant(c):
                    e = c.Args[0];
                    continue;
                case CallExpr { Function: "?:" } c when !plan.IsConstant(c):
                    return 0;
                default:
                    return 1;
            }
        }
    }

    private object Conditional(CallExpr c, Scope? scope)
    {
        var cond = Eval(c.Args[0], scope);
        return cond switch
        {
            true => Resolve(c.Args[1], scope),
            false => Resolve(c.Args[2], scope),
            CelError => cond,
            _ => CelError.NoSuchOverload("_?_:_"),
        };
    }

    private object Select(SelectExpr s, Scope? scope)
    {
        var operand = Resolve(s.Operand, scope);
        if (operand is CelError)
        {
            return operand;
        }

        var name = FieldNames.Unescape(s.Field);
        if (operand is CelOptional opt)
        {
            // Once a chain is optional it stays optional: a missing field further on is "none", and costs nothing.
            if (!opt.HasValue)
            {
                return s.TestOnly ? false : CelOptional.None;
            }
            if (!HasFields(opt.Value!))
            {
                return s.TestOnly ? false : NoFields(s, opt.Value!);
            }
            object? inner = null;
            if (!(s.TestOnly ? Has(opt.Value!, name) : TryField(opt.Value!, name, out inner)))
            {
                return s.TestOnly ? false : CelOptional.None;
            }
            Charge(1);
            return s.TestOnly ? true : CelOptional.Of(inner!);
        }

        if (s.Optional)
        {
            if (!HasFields(operand))
            {
                return NoFields(s, operand);
            }
            if (!TryField(operand, name, out var found))
            {
                return CelOptional.None;
            }
            Charge(1);
            return CelOptional.Of(found);
        }

        // A plain field costs 1 even when it is missing.
        Charge(1);
        if (!HasFields(operand))
        {
            return NoFields(s, operand);
        }
        if (s.TestOnly)
        {
            return Has(operand, name);
        }
        return TryField(operand, name, out var v) ? v : CelError.NoSuchKey(name);
    }

    private object Index(CallExpr c, Scope? scope)
    {
        var target = Resolve(c.Args[0], scope);
        if (target is CelError or CelOptional { HasValue: false })
        {
            return target is CelError ? target : CelOptional.None;
        }

        // The index is evaluated only once the operand resolved: a constant for free, an attribute raw, anything else in full.
        var key = Resolve(c.Args[1], scope);
        var optional = target is CelOptional || c.Function == "[?]";
        if (key is CelError)
        {
            if (!optional)
            {
                Charge(1);
            }
            return key;
        }

        if (optional)
        {
            var found = Operators.OptionalIndex(target, key);
            if (found is CelOptional { HasValue: true })
            {
                Charge(1);
            }
            return found;
        }

        Charge(1);
        return Operators.Index(target, key);
    }

    private static bool HasFields(object v) => v is CelMap or CelLazyObject;

    private static bool Has(object v, string name) => v switch
    {
        CelMap m => m.TryGetValue(name, out _),
        CelLazyObject lazy => lazy.Has(name),
        _ => false,
    };

    private static bool TryField(object v, string name, out object value)
    {
        switch (v)
        {
            case CelMap m:
                return m.TryGetValue(name, out value);
            case CelLazyObject lazy:
                return lazy.TryGetValue(name, out value);
            default:
                value = null!;
                return false;
        }
    }

    private static CelError NoFields(SelectExpr s, object operand) =>
        CelError.NoSuchOverload($"select '{s.Field}' on {CelValues.TypeOf(operand)}");
}
