using System.Globalization;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.GatewayApi;

/// <summary>
/// A server with the Gateway API CRDs installed (our own minimal ones, examples/gateway-api/crds.yaml: upstream's
/// bundle is not vendored and the tests never download it) and a free port for the Gateway's listener. Like the
/// Ingress fixture, it removes the proxy's link and route that a SIGKILLed server leaves.
/// </summary>
public sealed class GatewayServerFixture : ServerFixture
{
    public static string[] Crds { get; } =
        ["gatewayclasses.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io", "referencegrants.gateway.networking.k8s.io"];

    public int Port { get; } = LoopbackPorts.Free();

    public string PortText => Port.ToString(CultureInfo.InvariantCulture);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Kubectl.OkAsync("apply", "-f", Path.Combine(RepoPaths.Root, "examples", "gateway-api", "crds.yaml"));
        await Kubectl.OkAsync(["wait", "--for", "condition=Established", "--timeout=30s", .. Crds.Select(c => "crd/" + c)]);
    }

    public override async Task DisposeAsync()
    {
        var server = Server;
        await base.DisposeAsync();
        await ProcessRunner.RunAsync("ip", ["link", "del", $"{server.Bridge}-svc"], timeout: TimeSpan.FromSeconds(10));
        await ProcessRunner.RunAsync("ip", ["route", "del", "unreachable", server.ServiceCidr], timeout: TimeSpan.FromSeconds(10));
    }
}
