using Axolotl.Api.Policy;

namespace Axolotl.Api.Tests.Disruption;

public sealed class DisruptionBudgetMathTests
{
    [Theory]
    [InlineData("3", null, 5, 3)]
    [InlineData("50%", null, 5, 3)]
    [InlineData(null, "1", 5, 4)]
    [InlineData(null, "30%", 5, 3)]
    [InlineData(null, "10", 5, 0)]
    [InlineData(null, null, 5, 0)]
    public void Desired_healthy_pods_follow_minAvailable_or_maxUnavailable_rounding_percentages_up(string? minAvailable, string? maxUnavailable, int expected, int desired)
    {
        var spec = new PodDisruptionBudgetSpec
        {
            MinAvailable = minAvailable is null ? (Api.Core.IntOrString?)null : Parse(minAvailable),
            MaxUnavailable = maxUnavailable is null ? (Api.Core.IntOrString?)null : Parse(maxUnavailable),
        };
        Assert.Equal(desired, DisruptionBudgetMath.DesiredHealthy(spec, expected));
    }

    private static Api.Core.IntOrString Parse(string text) =>
        int.TryParse(text, out var n) ? Api.Core.IntOrString.FromInt(n) : Api.Core.IntOrString.FromString(text);
}
