namespace Axolotl.E2E.Tests.MultiNode;

/// <summary>
/// A server and a joined agent for <see cref="ApiServerOutageTests"/>, which kills and restarts the
/// server: its own fixture, so no other class sees that. The grace period is short on purpose (8 s,
/// upstream 40 s): the node lifecycle controller starts counting afresh when the server restarts, so
/// the node stays Ready only if its agent renews the Lease within seconds of the server's return.
/// </summary>
public sealed class ApiServerOutageFixture : MultiNodeFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--node-monitor-grace-period", "8s", "--node-lease-interval", "1s"];
}
