using Axolotl.Cel.Syntax;
using Axolotl.Cel.Types;

namespace Axolotl.Cel.Checking;

/// <summary>
/// What the checker leaves behind, as cel-go's checked AST: the tree, the type of every node and the overloads each call
/// may resolve to (several when an argument is dyn). The cost estimator reads all three. Nodes are keyed by reference.
/// </summary>
internal sealed record CheckedAst(Expr Tree, IReadOnlyDictionary<Expr, CelDeclType> Types, IReadOnlyDictionary<Expr, IReadOnlyList<Overload>> Overloads)
{
    public CelDeclType TypeOf(Expr e) => Types.TryGetValue(e, out var t) ? t : CelDeclType.Dyn;

    public IReadOnlyList<Overload> OverloadsOf(Expr e) => Overloads.TryGetValue(e, out var o) ? o : [];
}
