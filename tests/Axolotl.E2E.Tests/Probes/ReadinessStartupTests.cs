using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Probes.ProbeTestKit;

namespace Axolotl.E2E.Tests.Probes;

/// <summary>Readiness flips Ready without restarting anything; a startup probe protects a slow starter from its liveness probe.</summary>
[Collection(SharedServerHCollection.Name)]
public sealed class ReadinessStartupTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private const string ReadyPath = "{.status.conditions[?(@.type==\"Ready\")].status}";

    [Fact]
    public async Task Readiness_follows_the_probe_both_ways_and_never_restarts_the_container()
    {
        var ns = await fx.NewNamespaceAsync("ready");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: toggler
              namespace: {{ns}}
            spec:
              containers:
              - name: app
                image: busybox
                args: [sleep, "600"]
                readinessProbe:
                  exec:
                    command: [cat, /tmp/ready]
                  periodSeconds: 1
                  failureThreshold: 1
            """);
        await UntilFieldAsync(fx, ns, "toggler", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running");
        Assert.Equal("False", await FieldAsync(fx, ns, "toggler", ReadyPath));

        await fx.Kubectl.OkAsync("exec", "toggler", "-n", ns, "--", "touch", "/tmp/ready");
        await UntilFieldAsync(fx, ns, "toggler", ReadyPath, s => s == "True", "Ready after the file appears");
        Assert.Equal("true", await FieldAsync(fx, ns, "toggler", "{.status.containerStatuses[0].ready}"));
        Assert.Equal("True", await FieldAsync(fx, ns, "toggler", "{.status.conditions[?(@.type==\"ContainersReady\")].status}"));

        await fx.Kubectl.OkAsync("exec", "toggler", "-n", ns, "--", "rm", "/tmp/ready");
        await UntilFieldAsync(fx, ns, "toggler", ReadyPath, s => s == "False", "not Ready after the file goes");
        Assert.Equal("0", await FieldAsync(fx, ns, "toggler", "{.status.containerStatuses[0].restartCount}"));
        var table = await fx.Kubectl.OkAsync("get", "pod", "toggler", "-n", ns);
        Assert.Matches(@"toggler\s+0/1\s+Running\s+0", table);
    }

    [Fact]
    public async Task A_startup_probe_keeps_a_strict_liveness_probe_off_a_slow_starter()
    {
        var ns = await fx.NewNamespaceAsync("startup");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: slow
              namespace: {{ns}}
            spec:
              containers:
              - name: app
                image: busybox
                args: [/bin/sh, -c, "sleep 4; touch /tmp/up; sleep 600"]
                startupProbe:
                  exec:
                    command: [cat, /tmp/up]
                  periodSeconds: 1
                  failureThreshold: 20
                livenessProbe:
                  exec:
                    command: [cat, /tmp/up]
                  periodSeconds: 1
                  failureThreshold: 1
            """);
        await UntilFieldAsync(fx, ns, "slow", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running");
        Assert.Equal("false", await FieldAsync(fx, ns, "slow", "{.status.containerStatuses[0].started}"));
        await UntilFieldAsync(fx, ns, "slow", "{.status.containerStatuses[0].started}", s => s == "true", "started once /tmp/up exists");
        await UntilFieldAsync(fx, ns, "slow", ReadyPath, s => s == "True", "Ready");
        await QuietPeriod.WaitAsync(TimeSpan.FromSeconds(3), "a liveness restart once the startup probe has passed");
        Assert.Equal("0", await FieldAsync(fx, ns, "slow", "{.status.containerStatuses[0].restartCount}"));
        var describe = await fx.Kubectl.OkAsync("describe", "pod", "slow", "-n", ns);
        Assert.Contains("Startup:        exec [cat /tmp/up] delay=0s timeout=1s period=1s #success=1 #failure=20", describe);
        Assert.DoesNotContain("Liveness probe failed", describe);
    }

    [Fact]
    public async Task A_bad_timing_annotation_is_rejected_at_create()
    {
        var ns = await fx.NewNamespaceAsync("badtiming");
        var result = await fx.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: too-fast
              namespace: {{ns}}
              annotations:
                probes.axolotl.io/liveness: period=10ms
            spec:
              containers:
              - name: app
                image: busybox
                args: [sleep, "600"]
            """);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("metadata.annotations[probes.axolotl.io/liveness]: Invalid value: \"period=10ms\": period: must be at least 100ms", result.Stderr);
    }
}
