using Axolotl.Cel.Types;

namespace Axolotl.Cel.Checking;

/// <summary>
/// The declared signatures of every function the runtime offers (<see cref="Library.Functions"/>), which the checker
/// resolves calls against: the standard definitions (<see cref="StandardSignatures"/>) and Kubernetes' libraries
/// (<see cref="KubernetesSignatures"/>). Keys are our call names (<c>+</c>, <c>[]</c>, <c>optional.of</c>).
/// </summary>
internal static class Signatures
{
    public static readonly CelDeclType A = CelDeclType.TypeParam("A");
    public static readonly CelDeclType B = CelDeclType.TypeParam("B");

    private static readonly Dictionary<string, List<Overload>> Table = Build();

    public static IReadOnlyList<Overload> Of(string function) => Table.TryGetValue(function, out var list) ? list : [];

    public static IEnumerable<string> Names => Table.Keys;

    /// <summary>cel-go's name of an operator in messages (<c>_+_</c>, <c>@in</c>); other functions keep theirs.</summary>
    public static string DisplayName(string function) => function switch
    {
        "+" or "-" or "*" or "/" or "%" or "==" or "!=" or "<" or "<=" or ">" or ">=" => $"_{function}_",
        "in" => "@in",
        "[]" => "_[_]",
        "[?]" => "_[?_]",
        "?:" => "_?_:_",
        "&&" => "_&&_",
        "||" => "_||_",
        _ => function,
    };

    private static Dictionary<string, List<Overload>> Build()
    {
        var table = new Dictionary<string, List<Overload>>(StringComparer.Ordinal);
        StandardSignatures.Register(new Registrar(table));
        KubernetesSignatures.Register(new Registrar(table));
        return table;
    }

    /// <summary>Adds overloads: <c>Global("f", result, args...)</c>, <c>Member("f", result, receiver, args...)</c>.</summary>
    internal sealed class Registrar(Dictionary<string, List<Overload>> table)
    {
        public Registrar Global(string name, CelDeclType result, params CelDeclType[] args) => Add(name, new Overload(false, args, result));

        public Registrar Member(string name, CelDeclType result, params CelDeclType[] receiverAndArgs) => Add(name, new Overload(true, receiverAndArgs, result));

        private Registrar Add(string name, Overload overload)
        {
            if (!table.TryGetValue(name, out var list))
            {
                table[name] = list = [];
            }
            list.Add(overload);
            return this;
        }
    }
}
