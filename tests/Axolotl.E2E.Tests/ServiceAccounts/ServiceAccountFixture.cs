using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.ServiceAccounts;

/// <summary>
/// A server that pods can reach through the <c>kubernetes</c> Service: it listens on every address
/// (its endpoint is the address of the default route's interface; nothing leaves the machine) and
/// issues tokens that live 30 s, so the agent's refresh shows within a test. Removes what the service
/// proxy leaves when the harness SIGKILLs the server, as <see cref="Services.ServiceServerFixture"/>.
/// </summary>
public sealed class ServiceAccountFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--bind", "0.0.0.0", "--service-account-token-ttl-for-testing", "30s"];

    public override async Task DisposeAsync()
    {
        var server = Server;
        await base.DisposeAsync();
        await ProcessRunner.RunAsync("ip", ["link", "del", $"{server.Bridge}-svc"], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["route", "del", "unreachable", server.ServiceCidr], timeout: TimeSpan.FromSeconds(10));
    }
}
