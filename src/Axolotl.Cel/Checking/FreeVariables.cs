using Axolotl.Cel.Syntax;

namespace Axolotl.Cel.Checking;

/// <summary>
/// Whether an expression reads a variable, not counting a macro or bind variable of the same name. A CRD rule that
/// reads <c>oldSelf</c> is a transition rule, and kube-apiserver decides that from the checked expression's references.
/// </summary>
internal static class FreeVariables
{
    public static bool References(Expr e, string name) => e switch
    {
        IdentExpr id => id.Name == name,
        LiteralExpr => false,
        SelectExpr s => References(s.Operand, name),
        CallExpr c => (c.Target is not null && References(c.Target, name)) || c.Args.Any(a => References(a, name)),
        ListExpr l => l.Elements.Any(x => References(x, name)),
        MapExpr m => m.Entries.Any(x => References(x.Key, name) || References(x.Value, name)),
        ComprehensionExpr c => References(c.Range, name)
            || (c.Var != name && c.Var2 != name && (References(c.Predicate, name) || (c.Transform is not null && References(c.Transform, name)))),
        OptMapExpr o => References(o.Target, name) || (o.Var != name && References(o.Body, name)),
        BindExpr b => References(b.Init, name) || (b.Name != name && References(b.Body, name)),
        _ => true,
    };
}
