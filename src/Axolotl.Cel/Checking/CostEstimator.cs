using Axolotl.Cel.Syntax;

namespace Axolotl.Cel.Checking;

/// <summary>
/// An upper bound of a rule's runtime cost before it runs, as kube-apiserver computes when a CRD is written so that a
/// rule which could exceed the per-call limit is refused up front. Without the schema every list, map and string
/// from a variable is assumed to hold <c>maxSize</c> elements; the caller passes a bound derived from the schema's
/// maxItems/maxLength or from the largest request the server accepts. Saturates at <see cref="long.MaxValue"/>.
/// </summary>
/// <remarks>
/// With <paramref name="sizeOf"/> the caller bounds each value by where it comes from, as cel-go's size estimator
/// reads the schema: a path is a variable followed by field names, <c>@items</c> for an element of a list (or a key of
/// a map) a macro iterates, <c>@values</c> for a map's value; null means unknown, and <paramref name="maxSize"/> is used.
/// </remarks>
internal sealed class CostEstimator(long maxSize, Func<IReadOnlyList<string>, long?>? sizeOf = null)
{
    private readonly ValuePaths _paths = new(_ => true, throughOptionalSelects: true);

    /// <summary>Returns (cost, size): the cost to evaluate <paramref name="e"/> and the largest size its value can have.</summary>
    public (long Cost, long Size) Estimate(Expr e) => e switch
    {
        LiteralExpr { Value: string s } => (1, s.Length),
        LiteralExpr => (1, 1),
        IdentExpr => (1, SizeOf(_paths.PathOf(e))),
        SelectExpr s => Add(Estimate(s.Operand), 1, SizeOf(_paths.PathOf(e))),
        ListExpr l => Sum(l.Elements, l.Elements.Count),
        MapExpr m => Sum(m.Entries.SelectMany(x => new[] { x.Key, x.Value }), m.Entries.Count),
        CallExpr c => Call(c),
        ComprehensionExpr c => Comprehension(c),
        OptMapExpr o => Add(Estimate(o.Body), Estimate(o.Target).Cost + 1, Estimate(o.Body).Size),
        BindExpr b => Add(Estimate(b.Body), Estimate(b.Init).Cost + 1, Estimate(b.Body).Size),
        _ => (long.MaxValue, maxSize),
    };

    private (long, long) Call(CallExpr c)
    {
        var args = (c.Target is null ? c.Args : c.Args.Prepend(c.Target)).Select(Estimate).ToList();
        var cost = args.Aggregate(1L, (acc, a) => Sat(acc, a.Cost));
        var largest = args.Count == 0 ? 1 : args.Max(a => a.Size);

        // Size-proportional functions, charged as the runtime charges them (see Library/).
        var proportional = c.Function switch
        {
            "+" => args.Sum(a => a.Size),
            "==" or "!=" or "in" or "contains" or "startsWith" or "endsWith" or "matches" or "find" or "findAll"
                or "split" or "replace" or "lowerAscii" or "upperAscii" or "trim" or "indexOf" or "lastIndexOf" => largest / 10,
            "join" or "isSorted" or "sum" or "min" or "max" => largest,
            _ => 0,
        };
        var size = c.Function is "+" ? Sat(args[0].Size, args[^1].Size) : largest;
        return (Sat(cost, proportional), size);
    }

    private (long, long) Comprehension(ComprehensionExpr c)
    {
        var (rangeCost, n) = Estimate(c.Range);
        var range = _paths.PathOf(c.Range);
        var step = _paths.Scoped(c.Var, c.Var2 is null && range is not null ? [.. range, "@items"] : null, () =>
            _paths.Scoped(c.Var2, range is null ? null : [.. range, "@values"], () =>
                Sat(Sat(1, Estimate(c.Predicate).Cost), c.Transform is null ? 0 : Estimate(c.Transform).Cost)));
        return (Sat(Sat(rangeCost, 1), Mul(n, step)), n);
    }


    private long SizeOf(IReadOnlyList<string>? path) => path is not null && sizeOf?.Invoke(path) is { } size ? size : maxSize;

    private (long, long) Sum(IEnumerable<Expr> parts, long size) =>
        (parts.Select(Estimate).Aggregate(1L, (acc, p) => Sat(acc, p.Cost)), size);

    private static (long, long) Add((long Cost, long Size) inner, long cost, long size) => (Sat(inner.Cost, cost), size);

    private static long Sat(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long Mul(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
}
