namespace Axolotl.Cel.Costs;

/// <summary>Cost arithmetic that stops at <see cref="long.MaxValue"/> instead of wrapping.</summary>
internal static class Saturating
{
    public static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    public static long Mul(long a, long b) => b != 0 && a > long.MaxValue / b ? long.MaxValue : a * b;
}
