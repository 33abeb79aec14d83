using Axolotl.Cel.Library;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Checking;

/// <summary>
/// Resolves names before evaluation: every identifier must be a declared variable, a macro variable or a type name,
/// every function must exist. Qualified calls such as <c>optional.of(x)</c> become global calls. This is not cel-go's
/// full type checker: without the schema we cannot know field types, so type errors surface at evaluation.
/// </summary>
internal sealed class Checker(IReadOnlySet<string> declared)
{
    public Expr Check(Expr e) => Visit(e, []);

    private Expr Visit(Expr e, HashSet<string> locals)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (e)
        {
            case LiteralExpr:
                return e;
            case IdentExpr id:
                return declared.Contains(id.Name) || locals.Contains(id.Name) || CelType.ByName.ContainsKey(id.Name)
                    ? e
                    : throw Undeclared(id.Name, id.Position);
            case SelectExpr s:
                if (!s.TestOnly && QualifiedName(s, locals) is { } qn && CelType.ByName.TryGetValue(qn, out var type))
                {
                    return new LiteralExpr(type, s.Position);
                }

                return s with { Operand = Visit(s.Operand, locals) };
            case CallExpr c:
                return Call(c, locals);
            case ListExpr l:
                return l with { Elements = l.Elements.Select(x => Visit(x, locals)).ToList() };
            case MapExpr m:
                return m with { Entries = m.Entries.Select(x => x with { Key = Visit(x.Key, locals), Value = Visit(x.Value, locals) }).ToList() };
            case ComprehensionExpr c:
                var range = Visit(c.Range, locals);
                var inner = new HashSet<string>(locals) { c.Var };
                if (c.Var2 is not null)
                {
                    inner.Add(c.Var2);
                }

                return c with { Range = range, Predicate = Visit(c.Predicate, inner), Transform = c.Transform is null ? null : Visit(c.Transform, inner) };
            case OptMapExpr o:
                return o with { Target = Visit(o.Target, locals), Body = Visit(o.Body, new HashSet<string>(locals) { o.Var }) };
            case BindExpr b:
                return b with { Init = Visit(b.Init, locals), Body = Visit(b.Body, new HashSet<string>(locals) { b.Name }) };
            default:
                throw new CelSyntaxException($"unsupported expression {e.GetType().Name}", e.Position);
        }
    }

    private Expr Call(CallExpr c, HashSet<string> locals)
    {
        if (c.Target is not null && QualifiedName(c.Target, locals) is { } ns && Functions.IsGlobal(ns + "." + c.Function))
        {
            return new CallExpr(null, ns + "." + c.Function, c.Args.Select(a => Visit(a, locals)).ToList(), c.Position);
        }

        // The receiver first: cel-go reports errors in source order, so `authorizer.check(...)` names the undeclared
        // variable rather than the function after it.
        var target = c.Target is null ? null : Visit(c.Target, locals);
        var known = c.Target is null
            ? Functions.IsGlobal(c.Function) || c.Function is "&&" or "||" or "?:"
            : Functions.IsMember(c.Function) || c.Function is "or" or "orValue";
        if (!known)
        {
            throw Undeclared(c.Function, c.Position);
        }

        return c with { Target = target, Args = c.Args.Select(a => Visit(a, locals)).ToList() };
    }

    // "a.b.c" when the chain is made only of names and its root is not a variable: a namespace or a type name.
    private string? QualifiedName(Expr e, HashSet<string> locals) => e switch
    {
        IdentExpr id when !declared.Contains(id.Name) && !locals.Contains(id.Name) => id.Name,
        SelectExpr { Optional: false, TestOnly: false } s when QualifiedName(s.Operand, locals) is { } prefix => prefix + "." + s.Field,
        _ => null,
    };

    private static CelSyntaxException Undeclared(string name, int position) =>
        new($"undeclared reference to '{name}' (in container '')", position);
}
