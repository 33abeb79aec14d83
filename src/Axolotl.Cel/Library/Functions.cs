using Axolotl.Cel.Costs;

namespace Axolotl.Cel.Library;

/// <summary>A CEL function overload set: receives evaluated arguments (receiver first) and returns a value or a CelError.</summary>
internal delegate object CelFunction(object[] args, EvalState state);

/// <summary>
/// The function table: the standard definitions plus the Kubernetes libraries we support. Global functions are called
/// as <c>f(x)</c>, member functions as <c>x.f()</c>; each delegate dispatches on argument types itself.
/// </summary>
internal static class Functions
{
    private static readonly Dictionary<string, CelFunction> Globals = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, CelFunction> Members = new(StringComparer.Ordinal);

    static Functions()
    {
        Operators.Register(Globals);
        Conversions.Register(Globals);
        StringFunctions.Register(Globals, Members);
        ListFunctions.Register(Members);
        RegexFunctions.Register(Globals, Members);
        TimeFunctions.Register(Members);
        OptionalFunctions.Register(Globals, Members);
        QuantityFunctions.Register(Globals, Members);
        UrlFunctions.Register(Globals, Members);
        NetworkFunctions.Register(Globals, Members);
        SetFunctions.Register(Globals);
        FormatFunctions.Register(Globals, Members);
    }

    public static CelFunction? Global(string name) => Globals.GetValueOrDefault(name);

    public static CelFunction? Member(string name) => Members.GetValueOrDefault(name);

    public static bool IsGlobal(string name) => Globals.ContainsKey(name);

    public static bool IsMember(string name) => Members.ContainsKey(name);
}
