using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Services;

/// <summary>
/// A <see cref="ServerFixture"/> that also removes what the service proxy leaves when the harness
/// SIGKILLs the server (no chance to clean up): its link BRIDGE-svc and the unreachable route for the
/// server's service CIDR. Only this server's names are touched.
/// </summary>
public class ServiceServerFixture : ServerFixture
{
    public override async Task DisposeAsync()
    {
        var server = Server;
        await base.DisposeAsync();
        await ProcessRunner.RunAsync("ip", ["link", "del", $"{server.Bridge}-svc"], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["route", "del", "unreachable", server.ServiceCidr], timeout: TimeSpan.FromSeconds(10));
    }
}
