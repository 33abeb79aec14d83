namespace Axolotl.Cel.Checking;

/// <summary>
/// The least and most elements (characters, bytes, items, entries) a value can have, and the saturating arithmetic of
/// cel-go's cost estimates: nothing overflows, a result too large is <see cref="ulong.MaxValue"/>.
/// </summary>
internal readonly record struct SizeEstimate(ulong Min, ulong Max)
{
    public static readonly SizeEstimate One = new(1, 1);

    public static readonly SizeEstimate Unknown = new(0, ulong.MaxValue);

    public SizeEstimate Add(SizeEstimate other) => new(Sat.Add(Min, other.Min), Sat.Add(Max, other.Max));

    public SizeEstimate Multiply(SizeEstimate other) => new(Sat.Mul(Min, other.Min), Sat.Mul(Max, other.Max));

    public SizeEstimate Union(SizeEstimate other) => new(Math.Min(Min, other.Min), Math.Max(Max, other.Max));
}

/// <summary>cel-go's overflow-guarded arithmetic on costs and sizes.</summary>
internal static class Sat
{
    private static readonly double TwoTo64 = Math.ScaleB(1.0, 64);

    public static ulong Add(ulong a, ulong b) => b > 0 && a > ulong.MaxValue - b ? ulong.MaxValue : a + b;

    public static ulong Mul(ulong a, ulong b) => b != 0 && a > ulong.MaxValue / b ? ulong.MaxValue : a * b;

    /// <summary>x times a cost factor (0.1 per character traversed, 0.25 per regex character), rounded up, as cel-go's multiplyByCostFactor.</summary>
    public static ulong Factor(ulong x, double factor)
    {
        double xf = x;
        if (xf > 0 && factor > 0 && xf > ulong.MaxValue / factor)
        {
            return ulong.MaxValue;
        }
        var ceil = Math.Ceiling(xf * factor);
        return ceil >= TwoTo64 ? ulong.MaxValue : (ulong)ceil;
    }
}
