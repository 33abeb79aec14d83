using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security;

/// <summary>A server whose node lets pods set the unsafe (but namespaced) sysctl kernel.msgmax, as the kubelet's --allowed-unsafe-sysctls.</summary>
public sealed class SecurityServerFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--allowed-unsafe-sysctls", "kernel.msgmax"];
}
