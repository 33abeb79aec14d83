using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Ingress;

/// <summary>
/// A server whose Ingress controller listens on two free ports of its own (the harness turns it off
/// elsewhere, so parallel servers never fight for 80/443). Like the Service tests' fixture, it removes
/// the proxy's link and route that a SIGKILLed server leaves.
/// </summary>
public sealed class IngressServerFixture : ServerFixture
{
    public int HttpPort { get; } = LoopbackPorts.Free();

    public int HttpsPort { get; } = LoopbackPorts.Free();

    protected override IReadOnlyList<string> ServerArgs =>
        ["--ingress-http-port", HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--ingress-https-port", HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    public override async Task DisposeAsync()
    {
        var server = Server;
        await base.DisposeAsync();
        await ProcessRunner.RunAsync("ip", ["link", "del", $"{server.Bridge}-svc"], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["route", "del", "unreachable", server.ServiceCidr], timeout: TimeSpan.FromSeconds(10));
    }
}
