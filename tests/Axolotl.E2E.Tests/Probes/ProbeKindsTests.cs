using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Probes.ProbeTestKit;

namespace Axolotl.E2E.Tests.Probes;

/// <summary>Seed 003's probe examples: HTTP with a custom header, TCP readiness + liveness, exec liveness on a file that disappears.</summary>
[Collection(SharedServerECollection.Name)]
public sealed class ProbeKindsTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task An_http_liveness_probe_with_a_custom_header_restarts_the_agnhost_liveness_app()
    {
        var ns = await fx.NewNamespaceAsync("httphdr");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: liveness-http
              namespace: {{ns}}
            spec:
              containers:
              - name: liveness
                image: registry.k8s.io/e2e-test-images/agnhost:2.40
                args: [liveness]
                livenessProbe:
                  httpGet:
                    path: /healthz
                    port: 8080
                    httpHeaders:
                    - name: Custom-Header
                      value: Awesome
                  initialDelaySeconds: 3
                  periodSeconds: 3
            """);
        // Healthy for 10 s, then three failures 3 s apart: the first kill comes after about 16–19 s.
        await UntilFieldAsync(fx, ns, "liveness-http", "{.status.containerStatuses[0].restartCount}", r => r.Length > 0 && Int(r) >= 1, "a restart",
            TimeSpan.FromSeconds(90));
        var describe = await UntilDescribeAsync(fx, ns, "liveness-http", d => d.Contains("failed liveness probe, will be restarted"), "the Killing event");
        Assert.Contains("Liveness:       http-get http://:8080/healthz delay=3s timeout=1s period=3s #success=1 #failure=3", describe);
        Assert.Contains("Liveness probe failed: HTTP probe failed with statuscode: 500", describe);
        Assert.Contains("Container liveness failed liveness probe, will be restarted", describe);
    }

    [Fact]
    public async Task Tcp_readiness_and_liveness_keep_a_listening_app_ready_and_unrestarted()
    {
        var ns = await fx.NewNamespaceAsync("tcp");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: goproxy
              namespace: {{ns}}
            spec:
              containers:
              - name: goproxy
                image: registry.k8s.io/goproxy:0.1
                ports:
                - containerPort: 8080
                readinessProbe:
                  tcpSocket:
                    port: 8080
                  initialDelaySeconds: 2
                  periodSeconds: 1
                livenessProbe:
                  tcpSocket:
                    port: 8080
                  initialDelaySeconds: 2
                  periodSeconds: 1
            """);
        var startedAt = DateTimeOffset.Parse(
            await UntilFieldAsync(fx, ns, "goproxy", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "running"),
            System.Globalization.CultureInfo.InvariantCulture);
        await UntilFieldAsync(fx, ns, "goproxy", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "True", "Ready");
        var readyAt = DateTimeOffset.Parse(await FieldAsync(fx, ns, "goproxy", "{.status.conditions[?(@.type==\"Ready\")].lastTransitionTime}"),
            System.Globalization.CultureInfo.InvariantCulture);
        // RFC 3339 times have whole seconds: not ready before the 2 s initial delay, allowing for the truncation.
        Assert.True(readyAt - startedAt >= TimeSpan.FromSeconds(1), $"ready at {readyAt:O}, started at {startedAt:O}");

        var describe = await fx.Kubectl.OkAsync("describe", "pod", "goproxy", "-n", ns);
        Assert.Contains("Liveness:       tcp-socket :8080 delay=2s timeout=1s period=1s #success=1 #failure=3", describe);
        Assert.Contains("Readiness:      tcp-socket :8080 delay=2s timeout=1s period=1s #success=1 #failure=3", describe);
        await QuietPeriod.WaitAsync(TimeSpan.FromSeconds(4), "a restart by the passing tcp-socket liveness probe");
        Assert.Equal("0", await FieldAsync(fx, ns, "goproxy", "{.status.containerStatuses[0].restartCount}"));
    }

    [Fact]
    public async Task An_exec_liveness_probe_restarts_the_container_when_its_file_disappears()
    {
        var ns = await fx.NewNamespaceAsync("exec");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: liveness-exec
              namespace: {{ns}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: liveness
                image: busybox
                args: [/bin/sh, -c, "touch /tmp/healthy; sleep 4; rm -f /tmp/healthy; sleep 600"]
                livenessProbe:
                  exec:
                    command: [cat, /tmp/healthy]
                  initialDelaySeconds: 1
                  periodSeconds: 1
            """);
        await UntilFieldAsync(fx, ns, "liveness-exec", "{.status.containerStatuses[0].restartCount}", r => r.Length > 0 && Int(r) >= 1, "a restart");
        var describe = await UntilDescribeAsync(fx, ns, "liveness-exec", d => d.Contains("failed liveness probe, will be restarted"), "the Killing event");
        Assert.Contains("Liveness:       exec [cat /tmp/healthy] delay=1s timeout=1s period=1s #success=1 #failure=3", describe);
        // The busybox image runs the host's cat (coreutils), so the wording is coreutils', not busybox's.
        Assert.Matches(@"Liveness probe failed: cat: (can't open )?'?/tmp/healthy'?: No such file or directory", describe);
        Assert.Contains("Container liveness failed liveness probe, will be restarted", describe);
        // sh as the init's child dies of SIGTERM: 143, reason Error.
        Assert.Equal("Error", await FieldAsync(fx, ns, "liveness-exec", "{.status.containerStatuses[0].lastState.terminated.reason}"));
    }

    [Fact]
    public async Task A_probe_on_a_closed_port_or_an_unknown_port_name_fails_with_a_useful_event()
    {
        var ns = await fx.NewNamespaceAsync("badprobe");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad-probes
              namespace: {{ns}}
            spec:
              containers:
              - name: app
                image: busybox
                args: [sleep, "600"]
                readinessProbe:
                  tcpSocket:
                    port: 9999
                  periodSeconds: 1
                livenessProbe:
                  httpGet:
                    port: no-such-port
                  periodSeconds: 1
                  failureThreshold: 100
            """);
        var describe = await UntilDescribeAsync(fx, ns, "bad-probes",
            d => d.Contains("Readiness probe failed:") && d.Contains("Liveness probe failed:"), "both probes failing");
        Assert.Matches(@"Readiness probe failed: dial tcp 10\.244\.\d+\.\d+:9999: connect: connection refused", describe);
        Assert.Contains("no-such-port", describe[describe.IndexOf("Liveness probe failed:", StringComparison.Ordinal)..]);
        Assert.Equal("False", await FieldAsync(fx, ns, "bad-probes", "{.status.conditions[?(@.type==\"Ready\")].status}"));
        Assert.Equal("0", await FieldAsync(fx, ns, "bad-probes", "{.status.containerStatuses[0].restartCount}"));
    }
}
