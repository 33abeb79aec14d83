using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Operator;

/// <summary>
/// A server a pod can reach through the <c>kubernetes</c> Service, as an operator running in the cluster
/// needs: it listens on every address (the Service's endpoint is the default route interface's address;
/// nothing leaves the machine). Removes what the service proxy leaves when the harness SIGKILLs the server,
/// as <see cref="Services.ServiceServerFixture"/> does.
/// </summary>
public sealed class InClusterServerFixture : ServerFixture
{
    protected override IReadOnlyList<string> ServerArgs => ["--bind", "0.0.0.0"];

    public override async Task DisposeAsync()
    {
        var server = Server;
        await base.DisposeAsync();
        await ProcessRunner.RunAsync("ip", ["link", "del", $"{server.Bridge}-svc"], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["route", "del", "unreachable", server.ServiceCidr], timeout: TimeSpan.FromSeconds(10));
    }
}
