namespace Axolotl.Cel.Syntax;

/// <summary>The parsed expression tree; <see cref="Position"/> is the source offset used in error messages.</summary>
internal abstract record Expr(int Position);

internal sealed record LiteralExpr(object Value, int Position) : Expr(Position);

internal sealed record IdentExpr(string Name, int Position) : Expr(Position);

/// <summary><c>a.f</c>; <see cref="Optional"/> is <c>a.?f</c>; <see cref="TestOnly"/> is the field test of <c>has(a.f)</c>.</summary>
internal sealed record SelectExpr(Expr Operand, string Field, bool Optional, bool TestOnly, int Position) : Expr(Position);

/// <summary>A function call; <see cref="Target"/> is the receiver of <c>x.f(...)</c>, null for <c>f(...)</c>.</summary>
internal sealed record CallExpr(Expr? Target, string Function, IReadOnlyList<Expr> Args, int Position) : Expr(Position);

internal sealed record ListExpr(IReadOnlyList<Expr> Elements, IReadOnlyList<bool> Optional, int Position) : Expr(Position);

internal sealed record MapEntry(Expr Key, Expr Value, bool Optional);

internal sealed record MapExpr(IReadOnlyList<MapEntry> Entries, int Position) : Expr(Position);

internal enum ComprehensionKind
{
    All,
    Exists,
    ExistsOne,
    Map,
    Filter,
    TransformList,
    TransformMap,
}

/// <summary>
/// A macro over a list or map (<c>all</c>, <c>exists</c>, <c>exists_one</c>, <c>map</c>, <c>filter</c>), kept as one node
/// rather than cel-go's general fold so the interpreter can count its iterations against the cost budget.
/// </summary>
internal sealed record ComprehensionExpr(
    ComprehensionKind Kind, Expr Range, string Var, string? Var2, Expr Predicate, Expr? Transform, int Position) : Expr(Position);

/// <summary><c>opt.optMap(x, body)</c> and, with <see cref="Flat"/>, <c>opt.optFlatMap(x, body)</c>.</summary>
internal sealed record OptMapExpr(Expr Target, string Var, Expr Body, bool Flat, int Position) : Expr(Position);

/// <summary><c>cel.bind(name, init, body)</c>.</summary>
internal sealed record BindExpr(string Name, Expr Init, Expr Body, int Position) : Expr(Position);
