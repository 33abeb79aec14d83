using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security.Escape;

/// <summary>A server whose crashing containers come back within a second or two, so a race that needs restarts gets many in a test's time.</summary>
public sealed class SubPathEscapeFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--restart-backoff", "1s", "--restart-backoff-max", "2s"];
}
