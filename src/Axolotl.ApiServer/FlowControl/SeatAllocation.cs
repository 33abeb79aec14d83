using Axolotl.Api.FlowControl;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>A level's configured seat limits: its nominal share, the floor it keeps when lending, the ceiling it may borrow up to.</summary>
public readonly record struct LevelLimits(int Nominal, int Min, int Max)
{
    /// <summary>Where a new level starts before the first adjustment: its nominal less half of what it may lend.</summary>
    public int Initial => Nominal - (Nominal - Min) / 2;
}

/// <summary>
/// Upstream's concurrency limits per level. Nominal: the server's limit (--max-requests-inflight plus
/// --max-mutating-requests-inflight) shared by nominalConcurrencyShares, ceil(serverLimit × shares / sum of every
/// level's shares); exempt levels' shares (0 by default) count in the sum. A level may lend
/// round(nominal × lendablePercent / 100) of it (its floor) and borrow round(nominal × borrowingLimitPercent / 100)
/// more, or up to the whole server limit when borrowingLimitPercent is unset. <see cref="SeatBorrowing"/> moves each
/// level's current limit between floor and ceiling by demand.
/// </summary>
public static class SeatAllocation
{
    public static Dictionary<string, LevelLimits> Limits(IEnumerable<PriorityLevelConfiguration> levels, int serverLimit)
    {
        var all = levels.ToList();
        var sum = all.Sum(l => (long)Shares(l));
        return all.ToDictionary(l => l.Metadata.Name ?? "", l =>
        {
            var nominal = sum == 0 ? 0 : (int)Math.Ceiling((double)serverLimit * Shares(l) / sum);
            var lendable = (int)Math.Round(nominal * (LendablePercent(l) ?? 0) / 100.0, MidpointRounding.AwayFromZero);
            var borrowing = BorrowingLimitPercent(l) is { } percent ? (int)Math.Round(nominal * percent / 100.0, MidpointRounding.AwayFromZero) : serverLimit;
            return new LevelLimits(nominal, nominal - lendable, nominal + borrowing);
        }, StringComparer.Ordinal);
    }

    public static int Shares(PriorityLevelConfiguration level) => level.Spec?.Type == PriorityLevelConfigurationSpec.TypeExempt
        ? level.Spec.Exempt?.NominalConcurrencyShares ?? 0
        : level.Spec?.Limited?.NominalConcurrencyShares ?? 30;

    private static int? LendablePercent(PriorityLevelConfiguration level) => level.Spec?.Type == PriorityLevelConfigurationSpec.TypeExempt
        ? level.Spec.Exempt?.LendablePercent
        : level.Spec?.Limited?.LendablePercent;

    // Exempt levels have no borrowingLimitPercent: they are never limited, so borrowing means nothing to them.
    private static int? BorrowingLimitPercent(PriorityLevelConfiguration level) => level.Spec?.Type == PriorityLevelConfigurationSpec.TypeExempt
        ? 0
        : level.Spec?.Limited?.BorrowingLimitPercent;
}
