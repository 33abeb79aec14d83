namespace Axolotl.Cel.Syntax;

/// <summary>Expands the standard macros at parse time (spec "Macros"); anything else stays a plain call.</summary>
internal static class Macros
{
    public static Expr Global(string name, List<Expr> args, int pos)
    {
        if (name == "has" && args.Count == 1)
        {
            return args[0] is SelectExpr { Optional: false } s
                ? s with { TestOnly = true }
                : throw new CelSyntaxException("invalid argument to has() macro", pos);
        }

        return new CallExpr(null, name, args, pos);
    }

    /// <param name="all">
    /// False for the macros of a new expression in kube-apiserver 1.32 (its environment at compatibility version 1.31):
    /// the standard ones only, so the two-variable forms, <c>transformList</c>/<c>transformMap</c>, <c>cel.bind</c> and a
    /// two-argument <c>existsOne</c> stay plain calls, which the checker refuses as undeclared, as cel-go does there.
    /// </param>
    public static Expr Member(Expr target, string name, List<Expr> args, int pos, bool all = true)
    {
        if (!all && !IsStandard(name, args.Count))
        {
            return new CallExpr(target, name, args, pos);
        }

        if (target is IdentExpr { Name: "cel" } && name == "bind" && args.Count == 3)
        {
            return new BindExpr(VarName(args[0]), args[1], args[2], pos);
        }

        if (name is "optMap" or "optFlatMap" && args.Count == 2)
        {
            return new OptMapExpr(target, VarName(args[0]), args[1], name == "optFlatMap", pos);
        }

        if (name is "transformList" or "transformMap" && args.Count is 3 or 4)
        {
            // (i, v, transform) or (i, v, filter, transform).
            var transform = name == "transformList" ? ComprehensionKind.TransformList : ComprehensionKind.TransformMap;
            return args.Count == 3
                ? new ComprehensionExpr(transform, target, VarName(args[0]), VarName(args[1]), new LiteralExpr(true, pos), args[2], pos)
                : new ComprehensionExpr(transform, target, VarName(args[0]), VarName(args[1]), args[2], args[3], pos);
        }

        ComprehensionKind? kind = name switch
        {
            "all" => ComprehensionKind.All,
            "exists" => ComprehensionKind.Exists,
            "exists_one" or "existsOne" => ComprehensionKind.ExistsOne,
            "map" => ComprehensionKind.Map,
            "filter" => ComprehensionKind.Filter,
            _ => null,
        };

        if (kind is { } k && args.Count is 2 or 3)
        {
            var v = VarName(args[0]);
            if (k == ComprehensionKind.Map)
            {
                // map(x, t) or map(x, p, t): the three-argument form filters by p first.
                return args.Count == 2
                    ? new ComprehensionExpr(k, target, v, null, new LiteralExpr(true, pos), args[1], pos)
                    : new ComprehensionExpr(k, target, v, null, args[1], args[2], pos);
            }

            if (k == ComprehensionKind.Filter)
            {
                return args.Count == 2 ? new ComprehensionExpr(k, target, v, null, args[1], null, pos) : new CallExpr(target, name, args, pos);
            }

            // Two-variable forms of all/exists/existsOne: (index or key, value, predicate).
            return args.Count == 2
                ? new ComprehensionExpr(k, target, v, null, args[1], null, pos)
                : new ComprehensionExpr(k, target, v, VarName(args[1]), args[2], null, pos);
        }

        return new CallExpr(target, name, args, pos);
    }

    // cel-go's standard receiver macros: all, exists, exists_one and filter with 2 arguments, map with 2 or 3.
    private static bool IsStandard(string name, int count) => name switch
    {
        "all" or "exists" or "exists_one" or "filter" => count == 2,
        "map" => count is 2 or 3,
        "optMap" or "optFlatMap" => count == 2,
        _ => false,
    };

    private static string VarName(Expr e) =>
        e is IdentExpr id ? id.Name : throw new CelSyntaxException("argument must be a simple name", e.Position);
}
