using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>A server that signs 30-second node certificates, so renewal happens within a test.</summary>
public sealed class ShortCertificateFixture : MultiNodeFixture
{
    protected override IReadOnlyList<string> ServerArgs => [.. base.ServerArgs, "--cluster-signing-duration", "30s"];
}

/// <summary>Nodes renew their client and serving certificates before they expire, with CSRs of their own, and keep working.</summary>
public sealed class CertificateRenewalTests(ShortCertificateFixture fx) : IClassFixture<ShortCertificateFixture>
{
    [Fact]
    public async Task The_joined_node_renews_both_certificates_with_its_own_requests_and_logs_still_work_afterwards()
    {
        var ns = await fx.NewNamespaceAsync("renewal");
        await fx.RunPodOnAsync(ns, "talker", fx.Agent.NodeName, "busybox", "sh", "-c", "echo still here; sleep 3600");
        var self = $"system:node:{fx.Agent.NodeName}";

        // 30 s certificates are renewed 21-27 s after issue: by the client certificate (renewal is the node's own request) and the serving one.
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "csr", "-o", "jsonpath={range .items[*]}{.spec.signerName} {.spec.username} {.status.conditions[0].type}{\"\\n\"}{end}"),
            r => r.Stdout.Contains($"kubernetes.io/kube-apiserver-client-kubelet {self} Approved", StringComparison.Ordinal)
                && r.Stdout.Split('\n').Count(l => l.StartsWith($"kubernetes.io/kubelet-serving {self} Approved", StringComparison.Ordinal)) >= 2,
            "renewal requests by the node, approved", TimeSpan.FromSeconds(60));
        // Past the first certificates' expiry: everything now runs on the renewed ones.
        await Task.Delay(TimeSpan.FromSeconds(10));

        var logs = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "kubectl logs after renewal", "logs", "talker", "-n", ns);
        Assert.Equal("still here\n", logs.Stdout);
        var nodes = await fx.Kubectl.OkAsync("get", "nodes", fx.Agent.NodeName, "--no-headers");
        Assert.Equal("Ready", TableText.Cells(TableText.Lines(nodes)[0])[1]);
        Assert.Contains("renewed, valid until", fx.Agent.Log, StringComparison.Ordinal);
    }
}
