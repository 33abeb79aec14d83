using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S2 step 1 (seed 001, 12.1) as examples/s2-probes-resources-quotas/README.md walks it: the
/// numbers API behind a LoadBalancer on 8013; without probes a broken pod stays in the endpoints,
/// with a readiness probe it leaves them, when every pod is broken the endpoints are empty, and
/// /reset brings them back.
/// </summary>
[Collection(S2Kit.Collection)]
public sealed class S2ReadinessTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Only_ready_numbers_api_pods_stay_in_the_endpoints()
    {
        Assert.Equal("service/numbers-api created\ndeployment.apps/numbers-api created\n", await S2Kit.ApplyAsync(fx, "numbers/"));
        await Eventually.UntilAsync(() => S2Kit.PodNamesAsync(fx, "app=numbers-api"), p => p.Length == 2, "both pods created", S2Kit.Slow);
        var waited = await S2Kit.WaitContainersReadyAsync(fx, "app=numbers-api");
        Assert.Equal(2, Regex.Count(waited, @"pod/numbers-api-\S+ condition met"));
        await S2Kit.UntilListeningAsync(fx, "app=numbers-api");
        await S2Kit.UntilJsonPathAsync(fx, "endpoints/numbers-api", "{.subsets[*].addresses[*].ip}", ips => S2Kit.Count(ips) == 2, "2 endpoints");

        // The note's URL line prints a URL that works.
        var url = await fx.Kubectl.OkAsync("get", "svc", "numbers-api", "-o", "jsonpath=http://{.status.loadBalancer.ingress[0].*}:8013");
        Assert.Matches(@"^http://\d+\.\d+\.\d+\.\d+:8013$", url);
        var rng = await Eventually.UntilAsync(() => S2Kit.GetAsync(url + "/rng"), r => r is not null, "the LoadBalancer to answer");
        Assert.Equal(200, rng!.Value.Status);
        Assert.Matches(@"^-?\d+$", rng.Value.Body);

        // One pod is broken now; without probes both stay in the endpoints and clients get either answer.
        var statuses = new HashSet<int?>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await S2Kit.GetAsync(url + "/healthz"))?.Status);
        }
        Assert.Equal([200, 500], statuses.Order());
        Assert.Equal(2, S2Kit.Count(await S2Kit.EndpointIpsAsync(fx, "numbers-api")));

        // With a readiness probe, a broken pod leaves the endpoints.
        Assert.Equal("deployment.apps/numbers-api configured\n", await S2Kit.ApplyAsync(fx, "numbers/update/api-with-readiness.yaml"));
        var rollout = await fx.Kubectl.RunAsync(["rollout", "status", "deployment/numbers-api", "--timeout=60s"], null, timeout: TimeSpan.FromSeconds(70));
        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        await Eventually.UntilAsync(() => S2Kit.PodNamesAsync(fx, "app=numbers-api"), p => p.Length == 2, "the v1 pods gone", S2Kit.Slow);
        await S2Kit.UntilJsonPathAsync(fx, "endpoints/numbers-api", "{.subsets[*].addresses[*].ip}", ips => S2Kit.Count(ips) == 2, "2 v2 endpoints");
        Assert.Equal(200, (await S2Kit.GetAsync(url + "/rng"))?.Status);
        await S2Kit.UntilJsonPathAsync(fx, "endpoints/numbers-api", "{.subsets[*].addresses[*].ip}", ips => S2Kit.Count(ips) == 1, "the broken pod out of the endpoints");
        var pods = await fx.Kubectl.OkAsync("get", "pods", "-l", "app=numbers-api");
        Assert.Single(Regex.Matches(pods, @"numbers-api-\S+\s+0/1\s+Running\s+0\s"));
        Assert.Single(Regex.Matches(pods, @"numbers-api-\S+\s+1/1\s+Running\s+0\s"));

        // Every answer now comes from the healthy pod, until it too is broken: then the endpoints are empty.
        Assert.Equal(200, (await S2Kit.GetAsync(url + "/rng"))?.Status);
        await S2Kit.UntilJsonPathAsync(fx, "endpoints/numbers-api", "{.subsets[*].addresses[*].ip}", ips => ips.Length == 0, "no ready endpoint at all");
        // As in Kubernetes, only not-ready addresses leave the ENDPOINTS cell blank (not "<none>").
        Assert.Equal(2, TableText.Row(await fx.Kubectl.OkAsync("get", "endpoints", "numbers-api"), "numbers-api").Length);
        Assert.Null(await S2Kit.GetAsync(url + "/rng"));

        // /reset heals each pod (reached inside the pod: the Service has no endpoint left) and both rejoin.
        foreach (var pod in await S2Kit.PodNamesAsync(fx, "app=numbers-api"))
        {
            await fx.Kubectl.OkAsync("exec", pod, "--", "curl", "-s", "http://localhost/reset");
        }
        await S2Kit.UntilJsonPathAsync(fx, "endpoints/numbers-api", "{.subsets[*].addresses[*].ip}", ips => S2Kit.Count(ips) == 2, "both pods back in the endpoints");
        Assert.Equal(200, (await S2Kit.GetAsync(url + "/rng"))?.Status);
    }
}
