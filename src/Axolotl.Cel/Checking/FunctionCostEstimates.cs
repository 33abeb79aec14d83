using Axolotl.Cel.Syntax;
using Axolotl.Cel.Types;

namespace Axolotl.Cel.Checking;

/// <summary>
/// The estimated cost of one call for one overload, and the size of its result where it has one: first Kubernetes'
/// library estimates (apiserver's library/cost.go, chosen by function name), then cel-go's (checker/cost.go, by
/// overload), else one plus the arguments. Both add the cost of the arguments; the receiver is added by the caller.
/// </summary>
/// <remarks>
/// cel-go charges 0.1 per character a string operation traverses (rounded up) and 0.25 per character of a regex;
/// <c>in</c> on a list one per item; concatenating lists one; comparisons and equality 0.1 per character of the
/// shorter side (which is 0 for a field whose schema type is a scalar, as Kubernetes sizes those at 0).
/// </remarks>
internal static class FunctionCostEstimates
{
    private const double StringTraversal = 0.1;
    private const double RegexPerCharacter = 0.25;

    public static (ulong Cost, SizeEstimate? Size) Estimate(
        CostEstimator sizes, CallExpr call, Overload overload, EstimatedNode? target, List<EstimatedNode> args, List<ulong> argCosts)
    {
        var argSum = argCosts.Aggregate(0UL, Sat.Add);
        if (Kubernetes(sizes, call.Function, overload, target, args) is { } k)
        {
            return (Sat.Add(k.Cost, argSum), k.Size);
        }
        return CelGo(sizes, call.Function, overload, target, args, argCosts, argSum);
    }

    private static (ulong Cost, SizeEstimate? Size)? Kubernetes(CostEstimator sizes, string function, Overload overload, EstimatedNode? target, List<EstimatedNode> args)
    {
        switch (function)
        {
            case "isSorted" or "sum" or "max" or "min" or "indexOf" or "lastIndexOf" when target is { } list:
                if (ElementNode(list) is { } element)
                {
                    // One per element compared, plus the traversal of each string or bytes element.
                    var perElement = element.Type.Kind is TypeKind.String or TypeKind.Bytes
                        ? Sat.Add(1, Sat.Factor(sizes.LibrarySize(element).Max, StringTraversal))
                        : 1;
                    return (Sat.Mul(sizes.LibrarySize(list).Max, perElement), null);
                }
                return (Sat.Factor(sizes.LibrarySize(list).Max, StringTraversal), null);
            case "url" when args.Count == 1:
                var urlSize = sizes.LibrarySize(args[0]);
                return (Sat.Factor(urlSize.Max, StringTraversal), urlSize);
            case "lowerAscii" or "upperAscii" or "substring" or "trim" when target is { } s:
                var size = sizes.LibrarySize(s);
                return (Sat.Factor(size.Max, StringTraversal), size);
            case "replace" when target is { } s && args.Count >= 2:
                return Replace(sizes.LibrarySize(s), sizes.LibrarySize(args[0]), sizes.LibrarySize(args[1]));
            case "split" when target is { } s:
                var splitSize = sizes.LibrarySize(s);
                // Worst case: an empty separator returns every character; a literal limit caps the count.
                var most = args.Count > 1 && args[1].Expr is LiteralExpr { Value: long limit } ? unchecked((ulong)limit) : splitSize.Max;
                return (Sat.Factor(splitSize.Max, 2 * StringTraversal), new SizeEstimate(0, most));
            case "join" when target is { } list:
                return Join(sizes, list, args);
            case "find" or "findAll" when target is { } s && args.Count >= 1:
                var found = sizes.LibrarySize(s);
                var strCost = Sat.Factor(found.Add(SizeEstimate.One).Max, StringTraversal);
                var regexCost = Sat.Factor(sizes.LibrarySize(args[0]).Max, RegexPerCharacter);
                return (Sat.Mul(strCost, regexCost), new SizeEstimate(0, found.Max));
            case "cidr" or "isIP" or "isCIDR" or "quantity" or "isQuantity" when args.Count >= 1:
                return (Sat.Factor(sizes.LibrarySize(args[0]).Max, StringTraversal), null);
            case "ip":
                // ip(string) parses its argument; cidr.ip() reads a field.
                return (args.Count >= 1 ? Sat.Factor(sizes.LibrarySize(args[0]).Max, StringTraversal) : 1, null);
            case "ip.isCanonical" when args.Count >= 1:
                return (Sat.Factor(sizes.LibrarySize(args[0]).Max, 2 * StringTraversal), null);
            case "masked" or "prefixLength" or "family" or "isUnspecified" or "isLoopback" or "isLinkLocalMulticast"
                or "isLinkLocalUnicast" or "isGlobalUnicast":
                return (1, null);
            case "containsIP" when args.Count >= 1:
                // Comparing two addresses of at most 16 bytes, plus parsing a string argument.
                return (Sat.Add(Sat.Factor(32, StringTraversal), ParsedArgument(sizes, overload, args)), null);
            case "containsCIDR" when args.Count >= 1:
                return (Sat.Add(Sat.Factor(32, StringTraversal) + Sat.Factor(16, StringTraversal) + 1, ParsedArgument(sizes, overload, args)), null);
            case "sign" or "asInteger" or "isInteger" or "asApproximateFloat" or "isGreaterThan" or "isLessThan" or "compareTo" or "add" or "sub"
                or "getScheme" or "getHostname" or "getHost" or "getPort" or "getEscapedPath" or "getQuery":
                return (1, null);
            case "validate" when target is not null && args.Count >= 1:
                // The string's traversal times the largest format regex (MaxNameFormatRegexSize 128 at 0.25 per character).
                return (Sat.Factor(Sat.Factor(sizes.LibrarySize(args[0]).Max, StringTraversal), 128 * RegexPerCharacter), null);
            case "format.named":
                return (1, null);
            case "==" when args.Count == 2 && args[0].Type.IsExactly(args[1].Type) && args[0].Type.Kind == TypeKind.Opaque:
                return args[0].Type.Name switch
                {
                    "net.IP" or "net.CIDR" or "kubernetes.Quantity" => (1, null),
                    // Upstream sizes both sides by the right one's computed size.
                    "kubernetes.URL" => (Sat.Factor(args[1].Computed?.Max ?? 1, StringTraversal), null),
                    // Format names are at most MaxFormatSize (64) characters.
                    "kubernetes.NamedFormat" => (Sat.Factor(64, StringTraversal), null),
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static (ulong, SizeEstimate?) CelGo(
        CostEstimator sizes, string function, Overload overload, EstimatedNode? target, List<EstimatedNode> args, List<ulong> argCosts, ulong argSum)
    {
        var first = overload.Args.Count > 0 ? overload.Args[0].Kind : TypeKind.Dyn;
        switch (function)
        {
            case "sets.contains" or "sets.intersects" or "sets.equivalent" when args.Count == 2:
                // cel-go's estimateSetsCost: |a|×|b| (twice for equivalent) plus one.
                var product = Sat.Mul(sizes.Size(args[0]).Max, sizes.Size(args[1]).Max);
                return (Sat.Add(Sat.Add(Sat.Factor(product, function == "sets.equivalent" ? 2 : 1), 1), argSum), null);
            case "strings.quote" when args.Count == 1:
                var quoted = sizes.Size(args[0]);
                return (Sat.Add(Sat.Factor(quoted.Max, StringTraversal), argSum), new SizeEstimate(Sat.Add(quoted.Min, 2), Sat.Add(Sat.Mul(quoted.Max, 2), 2)));
            case "bytes" when first == TypeKind.String && args.Count == 1:
                var text = sizes.Size(args[0]);
                return (Sat.Add(Sat.Factor(text.Max, StringTraversal), argSum), new SizeEstimate(text.Min, Sat.Mul(text.Max, 4)));
            case "string" when first == TypeKind.Bytes && args.Count == 1:
                var bytes = sizes.Size(args[0]);
                return (Sat.Add(Sat.Factor(bytes.Max, StringTraversal), argSum), new SizeEstimate(bytes.Min / 4, bytes.Max));
            case "startsWith" or "endsWith" when args.Count == 1:
                return (Sat.Add(Sat.Factor(sizes.Size(args[0]).Max, StringTraversal), argSum), null);
            case "in" when overload.Args[1].Kind == TypeKind.List && args.Count == 2:
                return (Sat.Add(sizes.Size(args[1]).Max, argSum), null);
            case "matches" when overload.Member && target is { } s && args.Count == 1:
                var strCost = Sat.Factor(sizes.Size(s).Add(SizeEstimate.One).Max, StringTraversal);
                var regexCost = Sat.Factor(sizes.Size(args[0]).Max, RegexPerCharacter);
                return (Sat.Add(Sat.Mul(strCost, regexCost), argSum), null);
            case "contains" when target is { } s && args.Count == 1:
                var whole = Sat.Factor(sizes.Size(s).Max, StringTraversal);
                var part = Sat.Factor(sizes.Size(args[0]).Max, StringTraversal);
                return (Sat.Add(Sat.Mul(whole, part), argSum), null);
            case "?:":
                return (Sat.Add(argCosts[0], Math.Max(argCosts[1], argCosts[2])), sizes.Size(args[1]).Union(sizes.Size(args[2])));
            case "+" when first is TypeKind.String or TypeKind.Bytes or TypeKind.List && args.Count == 2:
                var sum = sizes.Size(args[0]).Add(sizes.Size(args[1]));
                // Concatenating lists is O(1); strings and bytes are copied.
                return (Sat.Add(first == TypeKind.List ? 1 : Sat.Factor(sum.Max, StringTraversal), argSum), sum);
            case "<" or "<=" or ">" or ">=" when first is TypeKind.String or TypeKind.Bytes:
            case "==" or "!=":
                var shorter = Math.Min(sizes.Size(args[0]).Max, sizes.Size(args[1]).Max);
                return (Sat.Add(Sat.Factor(shorter, StringTraversal), argSum), null);
            default:
                return (Sat.Add(1, argSum), null);
        }
    }

    // replace's result: the most (and least) replacements of the shortest (longest) match with the longest (shortest) replacement.
    private static (ulong, SizeEstimate?) Replace(SizeEstimate s, SizeEstimate from, SizeEstimate to)
    {
        ulong countMax, countMin, retainedMax = 0, retainedMin = 0;
        if (from.Min == 0)
        {
            countMax = Sat.Add(s.Max, s.Max < ulong.MaxValue ? 1UL : 0UL);
            retainedMax = s.Max;
        }
        else if (to.Max <= from.Min)
        {
            countMax = 0;
            retainedMax = s.Max;
        }
        else
        {
            countMax = CeilDiv(s.Max, from.Min);
        }
        if (from.Max == 0)
        {
            countMin = Sat.Add(s.Min, s.Min < ulong.MaxValue ? 1UL : 0UL);
            retainedMin = s.Min;
        }
        else if (from.Max <= to.Min)
        {
            countMin = 0;
            retainedMin = s.Min;
        }
        else
        {
            countMin = CeilDiv(s.Min, from.Max);
        }
        var size = new SizeEstimate(countMin, countMax).Multiply(to).Add(new SizeEstimate(retainedMin, retainedMax));
        return (Sat.Factor(s.Max, 2 * StringTraversal), size);
    }

    private static (ulong, SizeEstimate?) Join(CostEstimator sizes, EstimatedNode list, List<EstimatedNode> args)
    {
        var listSize = sizes.LibrarySize(list);
        var size = ElementNode(list) is { } element ? listSize.Multiply(sizes.LibrarySize(element)) : new SizeEstimate(0, 0);
        if (args.Count > 0)
        {
            var separators = new SizeEstimate(listSize.Min > 0 ? listSize.Min - 1 : 0, listSize.Max > 0 ? listSize.Max - 1 : 0);
            size = size.Add(sizes.LibrarySize(args[0]).Multiply(separators));
        }
        return (Sat.Factor(size.Max, StringTraversal), size);
    }

    // A string argument of containsIP/containsCIDR is parsed first.
    private static ulong ParsedArgument(CostEstimator sizes, Overload overload, List<EstimatedNode> args) =>
        overload.Args.Count > 1 && overload.Args[1].Kind == TypeKind.String ? Sat.Factor(sizes.LibrarySize(args[0]).Max, StringTraversal) : 0;

    // The element of a list, sized by the list's path and @items when it has one.
    private static EstimatedNode? ElementNode(EstimatedNode list) =>
        list.Type.Parameters.Count > 0
            ? new EstimatedNode(list.Path is { } p ? [.. p, "@items"] : null, list.Type.Parameters[0], null, null)
            : null;

    private static ulong CeilDiv(ulong a, ulong b)
    {
        var quotient = Math.Ceiling((double)a / b);
        return quotient >= Math.ScaleB(1.0, 64) ? ulong.MaxValue : (ulong)quotient;
    }
}
