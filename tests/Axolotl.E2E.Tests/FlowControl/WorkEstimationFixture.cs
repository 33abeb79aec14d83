using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.FlowControl;

/// <summary>A server with kube-apiserver's 600 seats that counts stored objects every second instead of every minute.</summary>
public sealed class WorkEstimationFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--etcd-count-metric-poll-period", "1s"];
}
