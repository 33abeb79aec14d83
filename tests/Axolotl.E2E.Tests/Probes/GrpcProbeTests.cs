using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;
using static Axolotl.E2E.Tests.Probes.ProbeTestKit;

namespace Axolotl.E2E.Tests.Probes;

/// <summary>gRPC probes against the standard health service (agnhost grpc-health-checking, as upstream's e2e tests use).</summary>
[Collection(SharedServerDCollection.Name)]
public sealed class GrpcProbeTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task A_grpc_readiness_probe_makes_the_pod_ready_and_a_grpc_liveness_probe_restarts_it_once_not_serving()
    {
        var ns = await fx.NewNamespaceAsync("grpc");
        await ApplyAsync(fx, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: grpc
              namespace: {{ns}}
            spec:
              containers:
              - name: health
                image: registry.k8s.io/e2e-test-images/agnhost:2.40
                args: [grpc-health-checking, --delay-unhealthy-sec=6]
                ports:
                - containerPort: 5000
                readinessProbe:
                  grpc:
                    port: 5000
                  periodSeconds: 1
                livenessProbe:
                  grpc:
                    port: 5000
                  initialDelaySeconds: 2
                  periodSeconds: 1
            """);
        await UntilFieldAsync(fx, ns, "grpc", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "True", "Ready through the gRPC probe");
        await UntilFieldAsync(fx, ns, "grpc", "{.status.containerStatuses[0].restartCount}", r => r.Length > 0 && Int(r) >= 1, "restarted once NOT_SERVING");
        // Events are posted in the background: wait for them rather than race the status.
        await UntilDescribeAsync(fx, ns, "grpc",
            d => d.Contains("Liveness probe failed: service unhealthy (responded with \"NOT_SERVING\")") &&
                 d.Contains("Container health failed liveness probe, will be restarted"), "the liveness events");
    }
}
