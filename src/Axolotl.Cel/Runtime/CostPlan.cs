using Axolotl.Cel.Checking;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Types;

namespace Axolotl.Cel.Runtime;

/// <summary>
/// What cel-go's program planner decides before a rule runs that changes what the rule costs, worked out once per
/// program: which nodes kube-apiserver's OptOptimize folds into constants (free to evaluate), and which overload each
/// call resolved to (cel-go charges by overload, and charges 1 when a dyn argument left several).
/// </summary>
/// <remarks>
/// Folded, as cel-go 0.22's decOptimize: literals, type names, lists and maps whose items are all constant, and the
/// conversions (int, uint, double, string, bytes, bool, duration, timestamp, dyn, type) of a constant. <c>x in []</c>
/// becomes the constant false. <c>x in</c> a constant list of bool, int, uint, double or string becomes a set lookup,
/// which has no call cost.
/// </remarks>
internal sealed class CostPlan
{
    private static readonly HashSet<string> Conversions = new(StringComparer.Ordinal)
    {
        "bool", "bytes", "double", "duration", "dyn", "int", "string", "timestamp", "type", "uint",
    };

    private readonly CheckedAst _ast;
    private readonly HashSet<Expr> _constants = new(ReferenceEqualityComparer.Instance);

    public CostPlan(CheckedAst ast)
    {
        _ast = ast;
        Fold(ast.Tree);
    }

    public bool IsConstant(Expr e) => _constants.Contains(e);

    /// <summary><c>x in []</c>: the constant false, x never evaluated.</summary>
    public static bool IsEmptyMembership(CallExpr c) =>
        c is { Function: "in", Target: null, Args: [_, ListExpr { Elements.Count: 0 }] };

    /// <summary>The one overload the checker resolved for <paramref name="c"/>, or null when there were several.</summary>
    public Overload? OverloadOf(CallExpr c) => _ast.OverloadsOf(c) is [var only] ? only : null;

    // Post-order: a node is constant when its children are.
    private bool Fold(Expr e)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        var constant = e switch
        {
            LiteralExpr => true,
            IdentExpr => _ast.TypeOf(e).Kind == TypeKind.Type,
            ListExpr l => All(l.Elements),
            MapExpr m => All(m.Entries.SelectMany(x => new[] { x.Key, x.Value })),
            CallExpr c => Call(c),
            SelectExpr s => Visit(s.Operand),
            ComprehensionExpr c => Visit(c.Range, c.Predicate, c.Transform),
            OptMapExpr o => Visit(o.Target, o.Body),
            BindExpr b => Visit(b.Init, b.Body),
            _ => false,
        };
        if (constant)
        {
            _constants.Add(e);
        }
        return constant;
    }

    private bool Call(CallExpr c)
    {
        if (c.Target is not null)
        {
            Fold(c.Target);
        }
        var args = All(c.Args);
        return (c.Target is null && c.Args.Count == 1 && Conversions.Contains(c.Function) && args) || IsEmptyMembership(c);
    }

    // Every child is folded (no short-circuit), and the answer is whether all of them are constant.
    private bool All(IEnumerable<Expr> children) => children.Aggregate(true, (all, child) => Fold(child) && all);

    private bool Visit(params Expr?[] children)
    {
        foreach (var child in children)
        {
            if (child is not null)
            {
                Fold(child);
            }
        }
        return false;
    }
}
