using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Services.ServiceTestKit;

namespace Axolotl.E2E.Tests.Services;

/// <summary>`kubectl get endpoints`, `describe service` and EndpointSlices as on a real cluster, following readiness.</summary>
[Collection(SharedServerBCollection.Name)]
public sealed class EndpointsTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task An_exposed_deployment_lists_both_pods_in_endpoints_describe_and_endpoint_slices()
    {
        var ns = await fx.NewNamespaceAsync("expose");
        await fx.Kubectl.OkAsync("create", "deployment", "web", "-n", ns, "--image=axolotl/http-hello", "--replicas=2", "--port=8080");
        Assert.Contains("service/web exposed", await fx.Kubectl.OkAsync("expose", "deployment", "web", "-n", ns, "--port=80", "--target-port=8080"));

        var ips = await UntilJsonPathAsync(fx, ns, "pods", "{.items[*].status.podIP}", s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 2, "two pod IPs");
        var expected = ips.Split(' ').Order(StringComparer.Ordinal).Select(ip => $"{ip}:8080").ToList();
        var table = await Eventually.KubectlAsync(fx.Kubectl, r => expected.All(e => r.Stdout.Contains(e, StringComparison.Ordinal)),
            "both pods in get endpoints", "get", "endpoints", "web", "-n", ns);
        Assert.Matches(@"NAME\s+ENDPOINTS\s+AGE", table.Stdout);
        Assert.Matches($@"web\s+{string.Join(",", expected).Replace(".", "\\.", StringComparison.Ordinal)}\s+\d+s", table.Stdout);

        var describe = await fx.Kubectl.OkAsync("describe", "service", "web", "-n", ns);
        Assert.Matches(@"Selector:\s+app=web", describe);
        // kubectl 1.32 reads the EndpointSlices here and lists endpoints in slice order.
        var line = describe.Split('\n').Single(l => l.StartsWith("Endpoints:", StringComparison.Ordinal));
        Assert.All(expected, e => Assert.Contains(e, line, StringComparison.Ordinal));

        var slices = await fx.Kubectl.OkAsync("get", "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name=web");
        Assert.Matches(@"web-[a-z0-9]{5}\s+IPv4\s+8080\s+", slices);
        Assert.Equal("endpointslice-controller.k8s.io",
            await JsonPathAsync(fx, ns, "endpointslices", "{.items[0].metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}"));
        Assert.Equal("Service/web", await JsonPathAsync(fx, ns, "endpointslices", "{.items[0].metadata.ownerReferences[0].kind}/{.items[0].metadata.ownerReferences[0].name}"));
        Assert.NotEmpty(await JsonPathAsync(fx, ns, "endpoints/web", "{.metadata.annotations.endpoints\\.kubernetes\\.io/last-change-trigger-time}"));
    }

    [Fact]
    public async Task A_pod_failing_its_readiness_probe_moves_to_not_ready_addresses_and_comes_back()
    {
        var ns = await fx.NewNamespaceAsync("ready-ep");
        await ApplyAsync(fx, string.Join("---\n", new[] { "one", "two" }.Select(name => $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
              namespace: {{ns}}
              labels:
                app: toggler
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                args: [/bin/sh, -c, "touch /tmp/ready; exec sleep 600"]
                ports:
                - containerPort: 8080
                readinessProbe:
                  exec:
                    command: [cat, /tmp/ready]
                  periodSeconds: 1
                  failureThreshold: 1
            """ + "\n")) + """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: toggler
              namespace: NS
            spec:
              selector:
                app: toggler
              ports:
              - port: 80
                targetPort: 8080
            """.Replace("NS", ns, StringComparison.Ordinal));
        await UntilReadyAsync(fx, ns, "one", "two");
        var oneIp = await JsonPathAsync(fx, ns, "pod/one", "{.status.podIP}");
        var twoIp = await JsonPathAsync(fx, ns, "pod/two", "{.status.podIP}");
        const string Ready = "{.subsets[*].addresses[*].ip}";
        const string NotReady = "{.subsets[*].notReadyAddresses[*].ip}";
        await UntilJsonPathAsync(fx, ns, "endpoints/toggler", Ready, s => s.Contains(oneIp, StringComparison.Ordinal) && s.Contains(twoIp, StringComparison.Ordinal), "both ready");

        await fx.Kubectl.OkAsync("exec", "one", "-n", ns, "--", "rm", "/tmp/ready");
        await UntilJsonPathAsync(fx, ns, "endpoints/toggler", NotReady, s => s == oneIp, "one in notReadyAddresses");
        Assert.Equal(twoIp, await JsonPathAsync(fx, ns, "endpoints/toggler", Ready));
        Assert.Equal("false", await JsonPathAsync(fx, ns, "endpointslices", $"{{.items[0].endpoints[?(@.addresses[0]==\"{oneIp}\")].conditions.ready}}"));
        var table = await fx.Kubectl.OkAsync("get", "endpoints", "toggler", "-n", ns);
        Assert.Matches($@"toggler\s+{twoIp.Replace(".", "\\.", StringComparison.Ordinal)}:8080\s", table);

        await fx.Kubectl.OkAsync("exec", "two", "-n", ns, "--", "rm", "/tmp/ready");
        await UntilJsonPathAsync(fx, ns, "endpoints/toggler", Ready, s => s.Length == 0, "no ready address left");
        // As upstream's printer: only ready addresses are listed, so the column is blank (not <none>, which means no subsets).
        Assert.Matches(@"toggler\s+\d+s\n", await fx.Kubectl.OkAsync("get", "endpoints", "toggler", "-n", ns));

        await fx.Kubectl.OkAsync("exec", "one", "-n", ns, "--", "touch", "/tmp/ready");
        await fx.Kubectl.OkAsync("exec", "two", "-n", ns, "--", "touch", "/tmp/ready");
        await UntilJsonPathAsync(fx, ns, "endpoints/toggler", Ready, s => s.Contains(oneIp, StringComparison.Ordinal) && s.Contains(twoIp, StringComparison.Ordinal), "both back");
        Assert.Empty(await JsonPathAsync(fx, ns, "endpoints/toggler", NotReady));
    }

    [Fact]
    public async Task A_target_port_name_no_pod_defines_leaves_the_endpoints_empty()
    {
        var ns = await fx.NewNamespaceAsync("noname");
        await ApplyAsync(fx, HelloPods(ns, "web", "web-1") + SelectorService(ns, "web", "web", 80, "nope"));
        await UntilReadyAsync(fx, ns, "web-1");

        var table = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "the Endpoints written", "get", "endpoints", "web", "-n", ns);
        Assert.Matches(@"web\s+<none>\s+", table.Stdout);
        // The pod still gets a slice, one without the port it lacks (as upstream), so nothing routes to it.
        await UntilJsonPathAsync(fx, ns, "endpointslices", "{.items[0].endpoints[0].addresses[0]}", s => s.Length > 0, "the pod in a slice");
        Assert.Contains(await JsonPathAsync(fx, ns, "endpointslices", "{.items[0].ports}"), new[] { "", "[]" });
        var clusterIp = await JsonPathAsync(fx, ns, "service/web", "{.spec.clusterIP}");
        var (outcome, _) = await ConnectAsync(clusterIp, 80);
        Assert.NotEqual("open", outcome);
    }
}
