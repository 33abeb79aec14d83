using System.Net;
using Axolotl.Cel.Checking;
using Axolotl.Cel.Types;
using Axolotl.Cel.Values;
using static Axolotl.Cel.Costs.ValueSizes;

namespace Axolotl.Cel.Costs;

/// <summary>
/// The actual cost of one function call, as kube-apiserver counts it: first the Kubernetes library's CallCost
/// (apiserver library/cost.go, chosen by function name), then cel-go 0.22's defaults (interpreter/runtimecost.go,
/// chosen by overload), else 1. The arguments' own costs are charged when they are evaluated, not here.
/// </summary>
/// <remarks>
/// <paramref name="overload"/> is the one overload the checker resolved, or null when a dyn argument left several:
/// cel-go then has no overload id and charges 1 where it would have charged by size (<c>dyn + dyn</c>, <c>x in dyn</c>).
/// Arguments may be errors (a strict call with an error argument is still charged); an error counts as size 1.
/// The float arithmetic follows Go's order of operations, so the rounding is the same.
/// </remarks>
internal static class CallCosts
{
    public static long Of(string function, Overload? overload, object[] args, object result) =>
        Kubernetes(function, overload, args, result) ?? CelGo(function, overload, args);

    private static long? Kubernetes(string function, Overload? overload, object[] args, object result)
    {
        switch (function)
        {
            case "isSorted" or "sum" or "max" or "min" or "indexOf" or "lastIndexOf":
                return args.Length > 0 ? Traversal(args[0]) : 0;
            case "url" or "lowerAscii" or "upperAscii" or "substring" or "trim" when args.Length >= 1:
                return Ceil(Actual(args[0]) * StringTraversal);
            case "replace" or "split" when args.Length >= 1:
                return Ceil((double)Actual(args[0]) * 2 * StringTraversal);
            case "join" when args.Length >= 1:
                return Ceil((double)Actual(result) * 2 * StringTraversal);
            case "find" or "findAll" when args.Length >= 2:
                return Regex(args[0], args[1]);
            case "cidr" or "isIP" or "isCIDR" or "quantity" or "isQuantity" when args.Length >= 1:
                return Ceil(Actual(args[0]) * StringTraversal);
            case "ip" when args.Length >= 1:
                // cidr.ip() reads a field; ip(string) parses.
                return overload is { Member: true } ? 1 : Ceil(Actual(args[0]) * StringTraversal);
            case "ip.isCanonical" when args.Length >= 1:
                return Ceil((double)Actual(args[0]) * 2 * StringTraversal);
            case "masked" or "prefixLength" or "family" or "isUnspecified" or "isLoopback" or "isLinkLocalMulticast"
                or "isLinkLocalUnicast" or "isGlobalUnicast":
                return 1;
            case "containsIP" when args.Length >= 2:
                var ipCompare = Ceil((double)(Actual(args[0]) + Actual(args[0])) * StringTraversal);
                return Saturating.Add(ipCompare, ParsedString(overload, args[1]));
            case "containsCIDR" when args.Length >= 2:
                var cidrSize = Actual(args[0]);
                var compare = Ceil((double)(cidrSize + cidrSize) * StringTraversal) + Ceil(cidrSize * StringTraversal) + 1;
                return Saturating.Add(compare, ParsedString(overload, args[1]));
            case "sign" or "asInteger" or "isInteger" or "asApproximateFloat" or "isGreaterThan" or "isLessThan" or "compareTo" or "add" or "sub"
                or "getScheme" or "getHostname" or "getHost" or "getPort" or "getEscapedPath" or "getQuery":
                return 1;
            case "==" when args.Length == 2 && args[0] is CelQuantity or IPAddress or CelCidr or Uri or CelNamedFormat:
                return 1;
            case "validate" when args.Length >= 2 && args[0] is CelNamedFormat format:
                // Priced as a regex of the format's size over the string, as the regex library is.
                return Saturating.Mul(Ceil((1.0 + Actual(args[1])) * StringTraversal), Ceil(format.MaxRegexSize * RegexPerCharacter));
            case "format.named":
                return 1;
            default:
                return null;
        }
    }

    private static long CelGo(string function, Overload? overload, object[] args)
    {
        // == and != are planned as their own instructions, whose overload is always known.
        if (function is "==" or "!=" && args.Length == 2)
        {
            return Ceil(Math.Min(Actual(args[0]), Actual(args[1])) * StringTraversal);
        }
        if (overload is null)
        {
            return 1;
        }
        if (function is "sets.contains" or "sets.intersects" or "sets.equivalent" && args.Length == 2)
        {
            // cel-go's sets cost: 1 + |a|×|b|, twice that product for equivalent (containment both ways).
            var product = unchecked((ulong)Actual(args[0]) * (ulong)Actual(args[1]));
            var scaled = function == "sets.equivalent" ? product * 2.0 : product;
            return Saturating.Add(1, scaled >= long.MaxValue ? long.MaxValue : (long)scaled);
        }
        var first = overload.Args.Count > 0 ? overload.Args[0].Kind : TypeKind.Dyn;
        switch (function)
        {
            case "startsWith" or "endsWith" or "strings.quote":
            case "bytes" when first == TypeKind.String:
            case "string" when first == TypeKind.Bytes:
                return Ceil(Actual(args[0]) * StringTraversal);
            case "in" when overload.Args.Count == 2 && overload.Args[1].Kind == TypeKind.List:
                return Actual(args[1]);
            case "<" or "<=" or ">" or ">=" when first is TypeKind.String or TypeKind.Bytes:
                return Ceil(Math.Min(Actual(args[0]), Actual(args[1])) * StringTraversal);
            case "+" when first is TypeKind.String or TypeKind.Bytes:
                return Ceil((double)(Actual(args[0]) + Actual(args[1])) * StringTraversal);
            case "matches" when overload.Member:
                // The global matches(s, re) has its own overload id, which cel-go leaves at the default.
                return Regex(args[0], args[1]);
            case "contains" when first == TypeKind.String:
                return Saturating.Mul(Ceil(Actual(args[0]) * StringTraversal), Ceil(Actual(args[1]) * StringTraversal));
            default:
                return 1;
        }
    }

    // One more than the input's length, so an empty input still pays for an expensive pattern.
    private static long Regex(object input, object pattern) =>
        Saturating.Mul(Ceil((1.0 + Actual(input)) * StringTraversal), Ceil(Actual(pattern) * RegexPerCharacter));

    // containsIP and containsCIDR given a string parse it first.
    private static long ParsedString(Overload? overload, object argument) =>
        overload is { Args.Count: 2 } o && o.Args[1].Kind == TypeKind.String ? Ceil(Actual(argument) * StringTraversal) : 0;
}
