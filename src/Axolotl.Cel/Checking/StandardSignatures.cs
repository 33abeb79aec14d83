using Axolotl.Cel.Types;
using static Axolotl.Cel.Checking.Signatures;
using T = Axolotl.Cel.Types.CelDeclType;

namespace Axolotl.Cel.Checking;

/// <summary>The standard definitions of the CEL spec with the options Kubernetes enables (cross-type numeric comparisons, optionals).</summary>
internal static class StandardSignatures
{
    private static readonly T[] Numbers = [T.Int, T.Uint, T.Double];

    public static void Register(Registrar r)
    {
        Arithmetic(r);
        Comparisons(r);
        Conversions(r);
        Collections(r);
        Strings(r);
        Time(r);
        Optionals(r);
    }

    private static void Arithmetic(Registrar r)
    {
        foreach (var n in Numbers)
        {
            r.Global("+", n, n, n).Global("-", n, n, n).Global("*", n, n, n).Global("/", n, n, n);
        }
        r.Global("%", T.Int, T.Int, T.Int).Global("%", T.Uint, T.Uint, T.Uint);
        r.Global("+", T.String, T.String, T.String).Global("+", T.Bytes, T.Bytes, T.Bytes)
            .Global("+", T.List(A), T.List(A), T.List(A))
            .Global("+", T.Timestamp, T.Timestamp, T.Duration).Global("+", T.Timestamp, T.Duration, T.Timestamp)
            .Global("+", T.Duration, T.Duration, T.Duration);
        r.Global("-", T.Duration, T.Timestamp, T.Timestamp).Global("-", T.Timestamp, T.Timestamp, T.Duration)
            .Global("-", T.Duration, T.Duration, T.Duration);
        r.Global("-_", T.Int, T.Int).Global("-_", T.Double, T.Double).Global("!_", T.Bool, T.Bool);
    }

    private static void Comparisons(Registrar r)
    {
        r.Global("==", T.Bool, A, A).Global("!=", T.Bool, A, A);
        foreach (var op in new[] { "<", "<=", ">", ">=" })
        {
            foreach (var x in Numbers)
            {
                foreach (var y in Numbers)
                {
                    r.Global(op, T.Bool, x, y);
                }
            }
            foreach (var t in new[] { T.Bool, T.String, T.Bytes, T.Timestamp, T.Duration })
            {
                r.Global(op, T.Bool, t, t);
            }
        }
    }

    private static void Conversions(Registrar r)
    {
        foreach (var from in new[] { T.Int, T.Uint, T.Double, T.String, T.Timestamp })
        {
            r.Global("int", T.Int, from);
        }
        foreach (var from in new[] { T.Int, T.Uint, T.Double, T.String })
        {
            r.Global("uint", T.Uint, from).Global("double", T.Double, from);
        }
        foreach (var from in new[] { T.Int, T.Uint, T.Double, T.Bool, T.Bytes, T.String, T.Timestamp, T.Duration, T.Ip, T.Cidr })
        {
            r.Global("string", T.String, from);
        }
        r.Global("bytes", T.Bytes, T.Bytes).Global("bytes", T.Bytes, T.String)
            .Global("bool", T.Bool, T.Bool).Global("bool", T.Bool, T.String)
            .Global("timestamp", T.Timestamp, T.Timestamp).Global("timestamp", T.Timestamp, T.String).Global("timestamp", T.Timestamp, T.Int)
            .Global("duration", T.Duration, T.Duration).Global("duration", T.Duration, T.String)
            .Global("dyn", T.Dyn, A)
            .Global("type", T.TypeOf(A), A);
    }

    private static void Collections(Registrar r)
    {
        r.Global("in", T.Bool, A, T.List(A)).Global("in", T.Bool, A, T.Map(A, B));
        r.Global("[]", A, T.List(A), T.Int).Global("[]", B, T.Map(A, B), A)
            .Global("[]", T.Optional(A), T.Optional(T.List(A)), T.Int).Global("[]", T.Optional(B), T.Optional(T.Map(A, B)), A);
        r.Global("[?]", T.Optional(A), T.List(A), T.Int).Global("[?]", T.Optional(B), T.Map(A, B), A)
            .Global("[?]", T.Optional(A), T.Optional(T.List(A)), T.Int).Global("[?]", T.Optional(B), T.Optional(T.Map(A, B)), A);
        foreach (var t in new[] { T.String, T.Bytes, T.List(A), T.Map(A, B) })
        {
            r.Global("size", T.Int, t).Member("size", T.Int, t);
        }
    }

    private static void Strings(Registrar r)
    {
        r.Member("contains", T.Bool, T.String, T.String).Member("startsWith", T.Bool, T.String, T.String)
            .Member("endsWith", T.Bool, T.String, T.String)
            .Member("matches", T.Bool, T.String, T.String).Global("matches", T.Bool, T.String, T.String);
    }

    private static void Time(Registrar r)
    {
        foreach (var name in new[] { "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds" })
        {
            r.Member(name, T.Int, T.Timestamp).Member(name, T.Int, T.Timestamp, T.String);
        }
        foreach (var name in new[] { "getHours", "getMinutes", "getSeconds", "getMilliseconds" })
        {
            r.Member(name, T.Int, T.Duration);
        }
    }

    private static void Optionals(Registrar r)
    {
        r.Global("optional.of", T.Optional(A), A).Global("optional.ofNonZeroValue", T.Optional(A), A)
            .Global("optional.none", T.Optional(A))
            .Member("hasValue", T.Bool, T.Optional(A)).Member("value", A, T.Optional(A))
            .Member("or", T.Optional(A), T.Optional(A), T.Optional(A)).Member("orValue", A, T.Optional(A), A);
    }
}
