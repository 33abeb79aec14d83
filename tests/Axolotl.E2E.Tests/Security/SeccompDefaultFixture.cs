using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security;

/// <summary>A server whose node runs with the kubelet's --seccomp-default.</summary>
public sealed class SeccompDefaultFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--seccomp-default"];
}
