using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S2 step 2 (seed 001, 12.2) as examples/s2-probes-resources-quotas/README.md walks it: with
/// readiness and liveness probes a broken numbers-api pod is restarted (RESTARTS 1) and comes back
/// into the endpoints by itself.
/// </summary>
[Collection(S2Kit.Collection)]
public sealed class S2LivenessTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_broken_numbers_api_pod_is_restarted_by_its_liveness_probe_and_rejoins()
    {
        await S2Kit.ApplyAsync(fx, "numbers/api-service.yaml", "numbers/update/api-with-readiness-and-liveness.yaml");
        await S2Kit.WaitContainersReadyAsync(fx, "app=numbers-api,version=v3");
        await S2Kit.UntilJsonPathAsync(fx, "endpoints/numbers-api", "{.subsets[*].addresses[*].ip}", ips => S2Kit.Count(ips) == 2, "2 endpoints");
        var wide = await fx.Kubectl.OkAsync("get", "pods", "-l", "app=numbers-api", "-o", "wide");
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"], TableText.Header(wide));

        var url = await fx.Kubectl.OkAsync("get", "svc", "numbers-api", "-o", "jsonpath=http://{.status.loadBalancer.ingress[0].*}:8013");
        var rng = await Eventually.UntilAsync(() => S2Kit.GetAsync(url + "/rng"), r => r is not null, "the LoadBalancer to answer");
        Assert.Equal(200, rng!.Value.Status);

        // The broken pod fails two liveness probes 10 s apart and is restarted; the restart heals it.
        var pods = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-l", "app=numbers-api"),
            t => Regex.IsMatch(t, @"numbers-api-\S+\s+\d/1\s+Running\s+1 \(\d+s ago\)\s"), "RESTARTS 1", S2Kit.Slow);
        Assert.Single(Regex.Matches(pods, @"numbers-api-\S+\s+1/1\s+Running\s+0\s"));
        var describe = await fx.Kubectl.OkAsync("describe", "pods", "-l", "app=numbers-api");
        Assert.Contains("Liveness:       http-get http://:80/healthz delay=10s timeout=1s period=10s #success=1 #failure=2", describe);
        Assert.Contains("Readiness:      http-get http://:80/healthz delay=0s timeout=1s period=5s #success=1 #failure=3", describe);
        Assert.Contains("Liveness probe failed: HTTP probe failed with statuscode: 500", describe);
        Assert.Contains("Container api failed liveness probe, will be restarted", describe);
        await S2Kit.UntilJsonPathAsync(fx, "endpoints/numbers-api", "{.subsets[*].addresses[*].ip}", ips => S2Kit.Count(ips) == 2, "both pods back in the endpoints");
        Assert.Equal(200, (await S2Kit.GetAsync(url + "/rng"))?.Status);
    }
}
