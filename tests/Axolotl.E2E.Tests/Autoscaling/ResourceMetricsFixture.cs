using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Autoscaling;

/// <summary>
/// One server for <see cref="ResourceMetricsTests"/>: the view-role test only reads RBAC (it ran on a server of its own
/// without an agent), so it shares the metrics test's server rather than pay for a second start.
/// </summary>
public sealed class ResourceMetricsFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--metric-resolution", "2s"];
}
