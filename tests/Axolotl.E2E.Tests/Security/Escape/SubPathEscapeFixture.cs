using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security.Escape;

/// <summary>
/// A server whose crashing containers come back at once (200 ms, at most 500 ms of back-off), so a race that
/// needs restarts gets its runs in a few seconds of back-off instead of a quarter of a minute. The race pod's
/// swapper spins a core the whole time, so every second cut here is a second of CPU given back to the suite.
/// </summary>
public sealed class SubPathEscapeFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--restart-backoff", "200ms", "--restart-backoff-max", "500ms"];
}
