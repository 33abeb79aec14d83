using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security;

/// <summary>With --seccomp-default, a container without a profile runs under RuntimeDefault; Unconfined still opts out.</summary>
public sealed class SeccompDefaultTests(SeccompDefaultFixture fx) : IClassFixture<SeccompDefaultFixture>
{
    [Fact]
    public async Task A_pod_without_a_profile_gets_RuntimeDefault_and_Unconfined_opts_out()
    {
        var ns = await fx.NewNamespaceAsync("seccomp-default");
        await fx.Kubectl.OkAsync("run", "plain", "-n", ns, "--image=busybox", "--", "sh", "-c",
            "grep -E '^Seccomp:' /proc/self/status; unshare -U true; echo unshare=$?; sleep 3600");
        await fx.Kubectl.OkAsync("run", "opted-out", "-n", ns, "--image=busybox",
            "--overrides={\"spec\":{\"securityContext\":{\"seccompProfile\":{\"type\":\"Unconfined\"}}}}", "--", "sh", "-c",
            "grep -E '^Seccomp:' /proc/self/status; sleep 3600");

        var plain = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("unshare=", StringComparison.Ordinal), "the plain pod's output", "logs", "plain", "-n", ns);
        var optedOut = await Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout.Contains("Seccomp:", StringComparison.Ordinal), "the opted-out pod's output", "logs", "opted-out", "-n", ns);

        Assert.StartsWith("Seccomp:\t2\n", plain.Stdout, StringComparison.Ordinal);
        Assert.Contains("unshare=1\n", plain.Stdout, StringComparison.Ordinal);
        Assert.Equal("Seccomp:\t0\n", optedOut.Stdout);
    }
}
