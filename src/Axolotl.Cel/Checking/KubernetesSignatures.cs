using static Axolotl.Cel.Checking.Signatures;
using T = Axolotl.Cel.Types.CelDeclType;

namespace Axolotl.Cel.Checking;

/// <summary>
/// Kubernetes' CEL libraries as kube-apiserver 1.32 declares them: strings (cel-go's ext version 2, so no <c>reverse</c>),
/// lists, regex, URLs, quantities, IPs and CIDRs, sets and the named formats.
/// </summary>
internal static class KubernetesSignatures
{
    public static void Register(Registrar r)
    {
        Strings(r);
        Lists(r);
        r.Member("find", T.String, T.String, T.String)
            .Member("findAll", T.List(T.String), T.String, T.String).Member("findAll", T.List(T.String), T.String, T.String, T.Int);
        Urls(r);
        Quantities(r);
        Network(r);
        Sets(r);
        Formats(r);
    }

    // cel-go's ext.Sets, enabled since 1.29.
    private static void Sets(Registrar r)
    {
        foreach (var name in new[] { "sets.contains", "sets.equivalent", "sets.intersects" })
        {
            r.Global(name, T.Bool, T.List(A), T.List(A));
        }
    }

    // Kubernetes' format library (1.31; available to new CRD rules from 1.32).
    private static void Formats(Registrar r)
    {
        // The runtime's FormatFunctions holds the same names; the signature test keeps the two in step.
        foreach (var name in (string[])["dns1123Label", "dns1123Subdomain", "dns1035Label", "qualifiedName", "dns1123LabelPrefix",
            "dns1123SubdomainPrefix", "dns1035LabelPrefix", "labelValue", "uri", "uuid", "byte", "date", "datetime"])
        {
            r.Global("format." + name, T.NamedFormat);
        }
        r.Global("format.named", T.Optional(T.NamedFormat), T.String)
            .Member("validate", T.Optional(T.List(T.String)), T.NamedFormat, T.String);
    }

    private static void Strings(Registrar r)
    {
        r.Member("charAt", T.String, T.String, T.Int)
            .Member("indexOf", T.Int, T.String, T.String).Member("indexOf", T.Int, T.String, T.String, T.Int)
            .Member("lastIndexOf", T.Int, T.String, T.String).Member("lastIndexOf", T.Int, T.String, T.String, T.Int)
            .Member("lowerAscii", T.String, T.String).Member("upperAscii", T.String, T.String)
            .Member("trim", T.String, T.String)
            .Member("replace", T.String, T.String, T.String, T.String).Member("replace", T.String, T.String, T.String, T.String, T.Int)
            .Member("split", T.List(T.String), T.String, T.String).Member("split", T.List(T.String), T.String, T.String, T.Int)
            .Member("substring", T.String, T.String, T.Int).Member("substring", T.String, T.String, T.Int, T.Int)
            .Member("join", T.String, T.List(T.String)).Member("join", T.String, T.List(T.String), T.String)
            .Global("strings.quote", T.String, T.String)
            .Member("format", T.String, T.String, T.List(T.Dyn));
    }

    private static void Lists(Registrar r)
    {
        r.Member("isSorted", T.Bool, T.List(A)).Member("min", A, T.List(A)).Member("max", A, T.List(A))
            .Member("indexOf", T.Int, T.List(A), A).Member("lastIndexOf", T.Int, T.List(A), A);
        foreach (var t in new[] { T.Int, T.Uint, T.Double, T.Duration })
        {
            r.Member("sum", t, T.List(t));
        }
    }

    private static void Urls(Registrar r)
    {
        r.Global("url", T.Url, T.String).Global("isURL", T.Bool, T.String);
        foreach (var name in new[] { "getScheme", "getHost", "getHostname", "getPort", "getEscapedPath" })
        {
            r.Member(name, T.String, T.Url);
        }
        r.Member("getQuery", T.Map(T.String, T.List(T.String)), T.Url);
    }

    private static void Quantities(Registrar r)
    {
        r.Global("quantity", T.Quantity, T.String).Global("isQuantity", T.Bool, T.String)
            .Member("isLessThan", T.Bool, T.Quantity, T.Quantity).Member("isGreaterThan", T.Bool, T.Quantity, T.Quantity)
            .Member("compareTo", T.Int, T.Quantity, T.Quantity).Member("sign", T.Int, T.Quantity)
            .Member("isInteger", T.Bool, T.Quantity).Member("asInteger", T.Int, T.Quantity)
            .Member("asApproximateFloat", T.Double, T.Quantity)
            .Member("add", T.Quantity, T.Quantity, T.Quantity).Member("add", T.Quantity, T.Quantity, T.Int)
            .Member("sub", T.Quantity, T.Quantity, T.Quantity).Member("sub", T.Quantity, T.Quantity, T.Int);
    }

    private static void Network(Registrar r)
    {
        r.Global("ip", T.Ip, T.String).Global("isIP", T.Bool, T.String).Global("ip.isCanonical", T.Bool, T.String)
            .Global("cidr", T.Cidr, T.String).Global("isCIDR", T.Bool, T.String)
            .Member("family", T.Int, T.Ip);
        foreach (var name in new[] { "isUnspecified", "isLoopback", "isLinkLocalMulticast", "isLinkLocalUnicast", "isGlobalUnicast" })
        {
            r.Member(name, T.Bool, T.Ip);
        }
        r.Member("containsIP", T.Bool, T.Cidr, T.Ip).Member("containsIP", T.Bool, T.Cidr, T.String)
            .Member("containsCIDR", T.Bool, T.Cidr, T.Cidr).Member("containsCIDR", T.Bool, T.Cidr, T.String)
            .Member("prefixLength", T.Int, T.Cidr).Member("masked", T.Cidr, T.Cidr).Member("ip", T.Ip, T.Cidr);
    }
}
