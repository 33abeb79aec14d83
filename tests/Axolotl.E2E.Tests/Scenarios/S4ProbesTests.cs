using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S4 (seed 003) step 4 of the example's README, with the note's own manifests: agnhost's
/// liveness server behind an HTTP probe with a custom header, goproxy with TCP readiness and
/// liveness, an exec probe, and a TCP readiness probe on a database port. ProbeKindsTests covers the probers in detail.
/// </summary>
public sealed class S4ProbesTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Http_tcp_and_exec_probes_behave_as_the_note_describes()
    {
        var ns = await fx.NewNamespaceAsync("s4-probes");
        foreach (var file in new[] { "liveness-http.yaml", "tcp-probes.yaml", "exec-probe.yaml", "db-readiness.yaml" })
        {
            await fx.Kubectl.OkAsync("apply", "-n", ns, "-f", S4Files.Path(file));
        }

        // goproxy: running at once, but Ready only after the readiness probe's 15 s initial delay.
        var started = await S4Files.UntilFieldAsync(fx, ns, "goproxy", "{.status.containerStatuses[0].state.running.startedAt}", s => s.Length > 0, "goproxy running");
        Assert.Equal("False", await S4Files.FieldAsync(fx, ns, "goproxy", "{.status.conditions[?(@.type==\"Ready\")].status}"));
        await S4Files.UntilFieldAsync(fx, ns, "goproxy", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "True", "goproxy Ready");
        var ready = await S4Files.FieldAsync(fx, ns, "goproxy", "{.status.conditions[?(@.type==\"Ready\")].lastTransitionTime}");
        var waited = DateTimeOffset.Parse(ready, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.Parse(started, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(waited >= TimeSpan.FromSeconds(14), $"goproxy became Ready {waited.TotalSeconds:0}s after it started");
        var goproxy = await fx.Kubectl.OkAsync("describe", "pod", "goproxy", "-n", ns);
        Assert.Contains("Liveness:       tcp-socket :8080 delay=15s timeout=1s period=10s #success=1 #failure=3", goproxy);
        Assert.Contains("Readiness:      tcp-socket :8080 delay=15s timeout=1s period=10s #success=1 #failure=3", goproxy);
        Assert.Equal("0", await S4Files.FieldAsync(fx, ns, "goproxy", "{.status.containerStatuses[0].restartCount}"));

        // The database: Ready once its port accepts connections, checked from 5 s on.
        await S4Files.UntilFieldAsync(fx, ns, "todo-db", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "True", "todo-db Ready");
        var db = await fx.Kubectl.OkAsync("describe", "pod", "todo-db", "-n", ns);
        Assert.Contains("Readiness:      tcp-socket :5432 delay=5s timeout=1s period=10s #success=1 #failure=3", db);
        Assert.Contains("database system is ready to accept connections", await fx.Kubectl.OkAsync("logs", "todo-db", "-n", ns));

        // agnhost liveness: /healthz answers 500 after 10 s; three failed probes 3 s apart restart it, again and again.
        var http = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "liveness-http", "-n", ns),
            d => d.Contains("statuscode: 500") && d.Contains("will be restarted") && d.Contains("State:          Running") && !d.Contains("Restart Count:  0"),
            "liveness-http restarted by its probe", S4Files.Slow);
        Assert.Contains("Liveness:       http-get http://:8080/healthz delay=3s timeout=1s period=3s #success=1 #failure=3", http);
        Assert.Matches(@"Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: HTTP probe failed with statuscode: 500", http);
        Assert.Contains("Container liveness failed liveness probe, will be restarted", http);
        Assert.Equal("Custom-Header=Awesome",
            await S4Files.FieldAsync(fx, ns, "liveness-http", "{.spec.containers[0].livenessProbe.httpGet.httpHeaders[0].name}={.spec.containers[0].livenessProbe.httpGet.httpHeaders[0].value}"));

        // exec: `cat /tmp/healthy` succeeds for 30 s, then fails and the container is restarted.
        var exec = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", "liveness-exec", "-n", ns),
            d => d.Contains("Restart Count:  1"), "liveness-exec restarted by its probe", S4Files.Slow);
        Assert.Contains("Liveness:       exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3", exec);
        Assert.Contains("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory", exec);
        Assert.Contains("Container liveness failed liveness probe, will be restarted", exec);
    }
}
