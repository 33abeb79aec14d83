using Axolotl.Cel.Library.Formatting;
using Axolotl.Cel.Syntax;
using Axolotl.Cel.Types;

namespace Axolotl.Cel.Checking;

/// <summary>
/// cel-go's string.format validator: a call whose format is a string literal and whose argument is a list literal is
/// read at compile time. A clause given an argument of the wrong type, an unknown clause, too few arguments, or more
/// arguments than clauses is a compile error, at the argument (or the call) as cel-go reports it. <c>dyn</c> passes.
/// </summary>
internal static class FormatCallCheck
{
    public static void Check(CallExpr call, Func<Expr, CelDeclType> typeOf, Func<int, string, CelDeclType> fail)
    {
        if (call is not { Target: LiteralExpr { Value: string format }, Args: [ListExpr list] })
        {
            return;
        }
        var args = list.Elements.Select(e => (Expr: e, Type: typeOf(e))).ToList();
        try
        {
            FormatString.Apply(format, args, new Clauses(typeOf), out var used);
            if (args.Count > used)
            {
                fail(call.Position, $"too many arguments supplied to string.format (expected {used}, got {args.Count})");
            }
        }
        catch (FormatClauseException e)
        {
            fail(e.Position ?? call.Position, e.Message);
        }
    }

    private sealed class Clauses(Func<Expr, CelDeclType> typeOf) : IFormatClauses<(Expr Expr, CelDeclType Type)>
    {
        public string String((Expr Expr, CelDeclType Type) arg) =>
            Printable(arg.Expr) is { } bad
                ? throw Wrong("string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps", bad)
                : "";

        public string Decimal((Expr Expr, CelDeclType Type) arg) =>
            Expect(arg, "decimal clause can only be used on integers", TypeKind.Int, TypeKind.Uint);

        public string Fixed((Expr Expr, CelDeclType Type) arg, int? precision) =>
            Expect(arg, "fixed-point clause can only be used on doubles", TypeKind.Double, TypeKind.String);

        public string Scientific((Expr Expr, CelDeclType Type) arg, int? precision) =>
            Expect(arg, "scientific clause can only be used on doubles", TypeKind.Double, TypeKind.String);

        public string Binary((Expr Expr, CelDeclType Type) arg) =>
            Expect(arg, "only integers and bools can be formatted as binary", TypeKind.Int, TypeKind.Uint, TypeKind.Bool);

        public string Hex((Expr Expr, CelDeclType Type) arg, bool upper) =>
            Expect(arg, "only integers, byte buffers, and strings can be formatted as hex", TypeKind.Int, TypeKind.Uint, TypeKind.String, TypeKind.Bytes);

        public string Octal((Expr Expr, CelDeclType Type) arg) =>
            Expect(arg, "octal clause can only be used on integers", TypeKind.Int, TypeKind.Uint);

        private static string Expect((Expr Expr, CelDeclType Type) arg, string what, params TypeKind[] kinds) =>
            OneOf(arg.Type, kinds) ? "" : throw Wrong(what, (arg.Expr, arg.Type));

        private static FormatClauseException Wrong(string what, (Expr Expr, CelDeclType Type) bad) =>
            new($"{what}, was given {bad.Type.Name}", bad.Expr.Position);

        private static bool OneOf(CelDeclType type, params TypeKind[] kinds) => type.IsDyn || kinds.Contains(type.Kind);

        private static readonly TypeKind[] PrintableKinds =
        [
            TypeKind.List, TypeKind.Map, TypeKind.Int, TypeKind.Uint, TypeKind.Double, TypeKind.Bool, TypeKind.String,
            TypeKind.Timestamp, TypeKind.Bytes, TypeKind.Duration, TypeKind.Type, TypeKind.Null,
        ];

        // The first expression %s cannot print: this one, or an element of a list or map literal it is.
        private (Expr, CelDeclType)? Printable(Expr e)
        {
            var type = typeOf(e);
            if (!OneOf(type, PrintableKinds))
            {
                return (e, type);
            }
            return e switch
            {
                ListExpr l => l.Elements.Select(Printable).FirstOrDefault(x => x is not null),
                MapExpr m => m.Entries.SelectMany(x => new[] { x.Key, x.Value }).Select(Printable).FirstOrDefault(x => x is not null),
                _ => null,
            };
        }
    }
}
