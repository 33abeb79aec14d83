using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Probes.ProbeTestKit;

namespace Axolotl.E2E.Tests.Probes;

/// <summary>
/// Probes that cannot pass in awkward ways (a command that does not exist or never ends, a server that
/// accepts and never answers) fail with a clear event within their timeout, and a healthy pod's probe
/// on the same node keeps its pace meanwhile.
/// </summary>
[Collection(SharedServerBCollection.Name)]
public sealed class BadProbeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    // Accepts connections and never answers: an HTTP probe must give up at its timeout.
    private const string Silent = "import socket,time\\ns=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', 8080)); s.listen(64)\\nheld=[]\\nwhile True: held.append(s.accept()[0])";

    [Fact]
    public async Task Missing_commands_endless_commands_and_silent_servers_fail_within_the_timeout()
    {
        var ns = await fx.NewNamespaceAsync("badkinds");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: awkward
              namespace: {{ns}}
            spec:
              containers:
              - name: silent
                image: python:3.11-slim
                command: [python3, -c, "{{Silent}}"]
                readinessProbe:
                  httpGet:
                    path: /hang
                    port: 8080
                  periodSeconds: 2
              - name: nocmd
                image: busybox
                args: [sleep, "600"]
                readinessProbe:
                  exec:
                    command: [/no/such/probe]
                  periodSeconds: 2
              - name: endless
                image: busybox
                args: [sleep, "600"]
                readinessProbe:
                  exec:
                    command: [sleep, "3600"]
                  periodSeconds: 2
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: bystander
              namespace: {{ns}}
            spec:
              containers:
              - name: app
                image: busybox
                args: [sleep, "600"]
                readinessProbe:
                  exec:
                    command: ["true"]
                  periodSeconds: 1
            """);

        var describe = await UntilDescribeAsync(fx, ns, "awkward",
            d => d.Contains("awaiting headers") && d.Contains("/no/such/probe") && d.Contains("timed out"), "three failing probes");
        Assert.Matches(@"Readiness probe failed: Get ""http://10\.244\.\d+\.\d+:8080/hang"": context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\)", describe);
        Assert.Contains("Readiness probe failed: command \"sleep 3600\" timed out", describe);
        Assert.Matches(@"Readiness probe failed: .*/no/such/probe", describe);
        Assert.Equal("False", await FieldAsync(fx, ns, "awkward", "{.status.conditions[?(@.type==\"Ready\")].status}"));
        Assert.Equal("0 0 0", await FieldAsync(fx, ns, "awkward", "{.status.containerStatuses[*].restartCount}"));

        // The bystander on the same node became and stayed Ready, and every hung exec probe was killed at its timeout.
        Assert.Equal("True", await UntilFieldAsync(fx, ns, "bystander", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "True", "bystander Ready"));
        var uid = await FieldAsync(fx, ns, "awkward", "{.metadata.uid}");
        // The init and its sleep, plus at most one probe (nsenter and its sleep) in flight; a probe that just
        // timed out may still be on its way out, so look again for a few seconds before judging.
        var commands = await Eventually.UntilAsync(() => Task.FromResult(File.ReadAllLines($"/sys/fs/cgroup/pids/axolotl-{fx.Server.NodeName}/{uid}/endless/cgroup.procs")
                .Select(pid => File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : "gone").ToList()),
            c => c.Count(name => name == "sleep") <= 2, "hung exec probes killed", TimeSpan.FromSeconds(10));
        Assert.True(commands.Count(c => c == "sleep") <= 2, string.Join(", ", commands));
    }
}
