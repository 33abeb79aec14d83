namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// Two nodes with Kubernetes' own failure timings (40 s grace, 300 s tolerations) for tests that never
/// take a node down: with <see cref="MultiNodeFixture"/>'s 4 s grace a lease renewal late by a few
/// seconds on a loaded machine marks the agent unreachable and evicts its pods mid-scenario.
/// </summary>
public sealed class SteadyTwoNodeFixture : MultiNodeFixture
{
    protected override IReadOnlyList<string> ServerArgs => [];
}
