using Axolotl.Cel.Values;

namespace Axolotl.Cel.Library;

/// <summary>The optional library: optional.of/none/ofNonZeroValue, hasValue, value (or/orValue are lazy, in the interpreter).</summary>
internal static class OptionalFunctions
{
    public static void Register(Dictionary<string, CelFunction> g, Dictionary<string, CelFunction> m)
    {
        g["optional.of"] = (a, _) => a is [var v] ? CelOptional.Of(v) : CelError.NoSuchOverload("optional.of");
        g["optional.none"] = (a, _) => a.Length == 0 ? CelOptional.None : CelError.NoSuchOverload("optional.none");
        g["optional.ofNonZeroValue"] = (a, _) => a is [var v] ? (IsZero(v) ? CelOptional.None : CelOptional.Of(v)) : CelError.NoSuchOverload("optional.ofNonZeroValue");
        m["hasValue"] = (a, _) => a is [CelOptional o] ? o.HasValue : CelError.NoSuchOverload("hasValue");
        m["value"] = (a, _) => a is [CelOptional o] ? o.Value ?? new CelError("optional.none() dereference") : CelError.NoSuchOverload("value");
    }

    private static bool IsZero(object v) => v switch
    {
        long l => l == 0,
        ulong u => u == 0,
        double d => d == 0,
        string s => s.Length == 0,
        bool b => !b,
        CelBytes b => b.Data.Length == 0,
        CelNull => true,
        IReadOnlyList<object> l => l.Count == 0,
        CelMap m => m.Count == 0,
        TimeSpan t => t == TimeSpan.Zero,
        DateTimeOffset t => t.ToUnixTimeSeconds() == 0 && t.Ticks % TimeSpan.TicksPerSecond == 0,
        _ => false,
    };
}
