using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.FlowControl;

/// <summary>A server with 3 seats in all (2 read-only + 1 mutating), so every Limited priority level has one or two.</summary>
public sealed class FlowControlFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--max-requests-inflight", "2", "--max-mutating-requests-inflight", "1"];
}
