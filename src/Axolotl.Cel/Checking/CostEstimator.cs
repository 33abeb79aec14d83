using Axolotl.Cel.Syntax;
using Axolotl.Cel.Types;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Checking;

/// <summary>
/// The most an expression can cost at runtime, as kube-apiserver 1.32 estimates it when a CRD is written: cel-go
/// 0.22's estimator (checker/cost.go) over the checked tree, with Kubernetes' library costs
/// (<see cref="FunctionCostEstimates"/>) and with presence tests free (Kubernetes' PresenceTestHasCost(false)).
/// </summary>
/// <remarks>
/// Reading a variable or selecting a field of an object or map costs 1, a literal 0, building a list 10 and a map 30
/// plus their elements. A macro is charged as cel-go charges the comprehension it expands to: its range, then the
/// most items the range can hold times the cost of one step (the predicate or transform plus the accumulator's
/// bookkeeping). Sizes come from the caller by path (<c>self.spec.rules.@items.name</c>), from literals, or from
/// what functions return; a value of unknown size counts as <see cref="ulong.MaxValue"/>, so the estimate saturates.
/// Upstream's quirks are kept on purpose, since a different number accepts or refuses different CRDs: the second
/// variable of a two-variable comprehension and the variables of cel.bind and optMap are sized as the root value.
/// </remarks>
internal sealed class CostEstimator(CheckedAst ast, Func<IReadOnlyList<string>, ulong?> sizeOf)
{
    private const ulong ListCreateBaseCost = 10;
    private const ulong MapCreateBaseCost = 30;

    private readonly Dictionary<Expr, IReadOnlyList<string>> _paths = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Expr, SizeEstimate> _computed = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, List<Expr>> _iterRanges = new(StringComparer.Ordinal);

    public ulong Estimate() => Cost(ast.Tree);

    private ulong Cost(Expr e)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        return e switch
        {
            LiteralExpr => 0,
            IdentExpr id => Ident(id),
            SelectExpr s => Select(s),
            CallExpr c => Call(c),
            ListExpr l => Sat.Add(Sum(l.Elements.Select(Cost)), ListCreateBaseCost),
            MapExpr m => Sat.Add(Sum(m.Entries.SelectMany(x => new[] { x.Key, x.Value }).Select(Cost)), MapCreateBaseCost),
            ComprehensionExpr c => Comprehension(c),
            OptMapExpr o => OptMap(o),
            BindExpr b => Sat.Add(ListCreateBaseCost, Sat.Add(Cost(b.Init), Cost(b.Body))),
            _ => 0,
        };
    }

    private ulong Ident(IdentExpr id)
    {
        if (_iterRanges.TryGetValue(id.Name, out var ranges) && ranges.Count > 0)
        {
            // A macro variable stands for an element (list) or a key (map) of the range it iterates.
            var range = ranges[^1];
            var step = ast.TypeOf(range).Kind switch
            {
                TypeKind.List => "@items",
                TypeKind.Map => "@keys",
                _ => null,
            };
            if (step is not null)
            {
                _paths[id] = [.. PathOrEmpty(range), step];
            }
        }
        else
        {
            _paths[id] = [id.Name];
        }
        return 1;
    }

    private ulong Select(SelectExpr s)
    {
        if (s.TestOnly)
        {
            return Cost(s.Operand);
        }
        if (s.Optional)
        {
            // a.?f is cel-go's call _?._(a, "f"): one plus its arguments, and its value has no path.
            return Sat.Add(Cost(s.Operand), 1);
        }
        var cost = Cost(s.Operand);
        if (ast.TypeOf(s.Operand).Kind is TypeKind.Map or TypeKind.Object or TypeKind.TypeParam)
        {
            cost = Sat.Add(cost, 1);
        }
        _paths[s] = [.. PathOrEmpty(s.Operand), s.Field];
        return cost;
    }

    private ulong Call(CallExpr c)
    {
        var argCosts = c.Args.Select(Cost).ToList();
        var args = c.Args.Select(Node).ToList();
        if (c.Function is "&&" or "||")
        {
            // Short-circuiting operators cost their operands only.
            return Sum(argCosts);
        }
        var overloads = ast.OverloadsOf(c);
        if (overloads.Count == 0)
        {
            return 0;
        }
        ulong targetCost = 0;
        EstimatedNode? target = null;
        if (c.Target is not null)
        {
            targetCost = Cost(c.Target);
            target = Node(c.Target);
        }
        // A call with a dyn argument may resolve to several overloads: the estimate covers all of them.
        ulong cost = 0;
        SizeEstimate? resultSize = null;
        foreach (var overload in overloads)
        {
            var (overloadCost, size) = FunctionCostEstimates.Estimate(this, c, overload, target, args, argCosts);
            cost = Math.Max(cost, overloadCost);
            if (size is { } s)
            {
                resultSize = resultSize is { } r ? r.Union(s) : s;
            }
            if (c.Function == "[]" && c.Args.Count > 0 && overload.Args[0].Kind is TypeKind.List or TypeKind.Map)
            {
                _paths[c] = [.. PathOrEmpty(c.Args[0]), overload.Args[0].Kind == TypeKind.List ? "@items" : "@values"];
            }
        }
        if (resultSize is { } result)
        {
            _computed[c] = result;
        }
        return Sat.Add(targetCost, cost);
    }

    private ulong Comprehension(ComprehensionExpr c)
    {
        var rangeCost = Cost(c.Range);
        // Only the first variable is tracked, as in cel-go 0.22: the second one of a two-variable macro has no path of its own.
        if (!_iterRanges.TryGetValue(c.Var, out var ranges))
        {
            _iterRanges[c.Var] = ranges = [];
        }
        ranges.Add(c.Range);
        var predicate = Cost(c.Predicate);
        var transform = c.Transform is null ? 0 : Cost(c.Transform);
        ranges.RemoveAt(ranges.Count - 1);
        var count = Size(Node(c.Range));
        _computed[c] = count;

        // The fold each macro expands to: (accumulator init + result, loop condition + step per item).
        var (once, perItem) = c.Kind switch
        {
            ComprehensionKind.All => (1UL, Sat.Add(predicate, 3)),
            ComprehensionKind.Exists => (1UL, Sat.Add(predicate, 4)),
            ComprehensionKind.ExistsOne => (2UL, Sat.Add(predicate, 2)),
            ComprehensionKind.Filter => (ListCreateBaseCost + 1, Sat.Add(predicate, 13)),
            ComprehensionKind.TransformMap => (MapCreateBaseCost + 1, Sat.Add(Sat.Add(predicate, transform), 3)),
            _ => (ListCreateBaseCost + 1, Sat.Add(Sat.Add(predicate, transform), 12)),
        };
        return Sat.Add(Sat.Add(rangeCost, once), Sat.Mul(count.Max, perItem));
    }

    // cel-go expands opt.optMap(v, e) to `opt.hasValue() ? optional.of(<bind v = opt.value() in e>) : optional.none()`
    // and optFlatMap without the optional.of: the target is read twice.
    private ulong OptMap(OptMapExpr o)
    {
        var target = Cost(o.Target);
        var body = Cost(o.Body);
        var bound = Sat.Add(Sat.Add(ListCreateBaseCost + 1, target), body);
        return Sat.Add(Sat.Add(1, target), o.Flat ? bound : Sat.Add(bound, 1));
    }

    /// <summary>cel-go's sizeEstimate: the size the expression fixes, else the caller's by path, else 1 for a scalar, else unknown.</summary>
    internal SizeEstimate Size(EstimatedNode node) =>
        node.Computed ?? SizeByPath(node) ?? (IsScalar(node.Type) ? SizeEstimate.One : SizeEstimate.Unknown);

    /// <summary>The Kubernetes library's sizeEstimate, which does not know scalars.</summary>
    internal SizeEstimate LibrarySize(EstimatedNode node) => node.Computed ?? SizeByPath(node) ?? SizeEstimate.Unknown;

    private SizeEstimate? SizeByPath(EstimatedNode node) =>
        node.Path is { Count: > 0 } path && sizeOf(path) is { } max ? new SizeEstimate(0, max) : null;

    private EstimatedNode Node(Expr e) =>
        new(_paths.GetValueOrDefault(e), ast.TypeOf(e), _computed.TryGetValue(e, out var size) ? size : LiteralSize(e), e);

    private static SizeEstimate? LiteralSize(Expr e)
    {
        ulong? size = e switch
        {
            LiteralExpr { Value: string s } => (ulong)s.EnumerateRunes().Count(),
            LiteralExpr { Value: CelBytes b } => (ulong)b.Data.Length,
            LiteralExpr { Value: bool or long or ulong or double or CelNull } => 1,
            ListExpr l => (ulong)l.Elements.Count,
            MapExpr m => (ulong)m.Entries.Count,
            _ => null,
        };
        return size is { } n ? new SizeEstimate(n, n) : null;
    }

    private IReadOnlyList<string> PathOrEmpty(Expr e) => _paths.GetValueOrDefault(e) ?? [];

    private static bool IsScalar(CelDeclType t) =>
        t.Kind is TypeKind.Bool or TypeKind.Double or TypeKind.Duration or TypeKind.Int or TypeKind.Timestamp or TypeKind.Uint;

    private static ulong Sum(IEnumerable<ulong> costs) => costs.Aggregate(0UL, Sat.Add);
}
