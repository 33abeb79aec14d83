using Axolotl.Api.FlowControl;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Upstream's nominal concurrency limits: the server's limit (--max-requests-inflight plus
/// --max-mutating-requests-inflight) shared among the levels by their nominalConcurrencyShares,
/// ceil(serverLimit × shares / sum of every level's shares). Exempt levels' shares (0 by default) count
/// in the sum but they hold no seats. Borrowing between levels (lendablePercent, borrowingLimitPercent)
/// is not done here: each level runs at its nominal limit.
/// </summary>
public static class SeatAllocation
{
    public static Dictionary<string, int> NominalLimits(IEnumerable<PriorityLevelConfiguration> levels, int serverLimit)
    {
        var shares = levels.ToDictionary(l => l.Metadata.Name ?? "", Shares, StringComparer.Ordinal);
        var sum = shares.Values.Sum(s => (long)s);
        return shares.ToDictionary(p => p.Key, p => sum == 0 ? 0 : (int)Math.Ceiling((double)serverLimit * p.Value / sum), StringComparer.Ordinal);
    }

    public static int Shares(PriorityLevelConfiguration level) => level.Spec?.Type == PriorityLevelConfigurationSpec.TypeExempt
        ? level.Spec.Exempt?.NominalConcurrencyShares ?? 0
        : level.Spec?.Limited?.NominalConcurrencyShares ?? 30;
}
