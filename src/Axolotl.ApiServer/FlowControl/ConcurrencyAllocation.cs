namespace Axolotl.ApiServer.FlowControl;

/// <summary>One level in the division of the server's seats: what it should get in fair proportion, and its bounds.</summary>
public readonly record struct AllocationClaim(double Target, double LowerBound, double UpperBound);

/// <summary>
/// Divides <c>requiredSum</c> seats among levels as upstream's borrowing does: every level gets
/// <c>fairProp × target</c> clamped to its bounds, with the one <c>fairProp</c> that makes the shares add up to the
/// required sum. When the lower bounds alone exceed it every level gets its lower bound; when the upper bounds
/// cannot reach it, its upper bound. The sum of clamped shares grows monotonically with <c>fairProp</c>, so a
/// bisection finds it.
/// </summary>
public static class ConcurrencyAllocation
{
    /// <summary>A target below this counts as this, so that an idle level still has a proportion.</summary>
    public const double MinTarget = 0.001;

    public static (double[] Allocations, double FairProp) Compute(double requiredSum, IReadOnlyList<AllocationClaim> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        foreach (var claim in claims)
        {
            if (claim.LowerBound < 0 || claim.UpperBound < claim.LowerBound || claim.Target < claim.LowerBound)
            {
                throw new ArgumentException($"a claim needs 0 ≤ lower ≤ target and lower ≤ upper: {claim}", nameof(claims));
            }
        }
        if (claims.Count == 0 || requiredSum <= 0)
        {
            return (new double[claims.Count], 0);
        }
        if (claims.Sum(c => c.LowerBound) >= requiredSum)
        {
            return ([.. claims.Select(c => c.LowerBound)], 0);
        }
        if (claims.Sum(c => c.UpperBound) <= requiredSum)
        {
            return ([.. claims.Select(c => c.UpperBound)], claims.Max(c => c.UpperBound / Target(c)));
        }
        double low = 0, high = claims.Max(c => c.UpperBound / Target(c));
        for (var i = 0; i < 200 && high - low > 1e-12 * Math.Max(1, high); i++)
        {
            var middle = (low + high) / 2;
            if (SumAt(middle, claims) < requiredSum)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }
        var fairProp = (low + high) / 2;
        return ([.. claims.Select(c => At(fairProp, c))], fairProp);
    }

    private static double Target(AllocationClaim claim) => Math.Max(claim.Target, MinTarget);

    private static double At(double fairProp, AllocationClaim claim) => Math.Clamp(fairProp * Target(claim), claim.LowerBound, claim.UpperBound);

    private static double SumAt(double fairProp, IReadOnlyList<AllocationClaim> claims)
    {
        var sum = 0.0;
        foreach (var claim in claims)
        {
            sum += At(fairProp, claim);
        }
        return sum;
    }
}
