using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Autoscaling;

/// <summary>
/// `kubectl autoscale` end to end: a Deployment of CPU burners scales up to the HPA's maximum from
/// real cgroup readings, and back down once the load stops and the (test-set, 5 s) scale-down
/// stabilisation window has passed, with upstream's columns, conditions and events on the way.
/// </summary>
public sealed class HorizontalPodAutoscalerTests(HorizontalPodAutoscalerFixture fx) : IClassFixture<HorizontalPodAutoscalerFixture>
{
    private const string Burners = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: burn
        spec:
          replicas: 1
          selector:
            matchLabels: {app: burn}
          template:
            metadata:
              labels: {app: burn}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: loop
                image: busybox
                command: [sh, -c, "while :; do :; done"]
                resources:
                  requests: {cpu: 50m}
                  limits: {cpu: 150m}
        """;

    [Fact]
    public async Task An_hpa_scales_a_deployment_up_under_load_and_down_after_its_stabilisation_window()
    {
        var kubectl = fx.Kubectl;
        await kubectl.OkWithInputAsync(Burners, "apply", "-f", "-");

        Assert.Equal("horizontalpodautoscaler.autoscaling/burn autoscaled\n", await kubectl.OkAsync("autoscale", "deployment", "burn", "--cpu-percent=50", "--min=1", "--max=3"));
        var table = await kubectl.OkAsync("get", "hpa");
        Assert.Equal(["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"], TableText.Header(table));
        Assert.Equal("Deployment/burn", TableText.Row(table, "burn")[1]);
        // Served in two versions, listed once: kubectl expands the "all" category with the preferred one.
        Assert.Single(TableText.Lines(await kubectl.OkAsync("get", "all", "-o", "name")), l => l.StartsWith("horizontalpodautoscaler", StringComparison.Ordinal));

        await Eventually.UntilAsync(() => kubectl.OkAsync("get", "deployment", "burn", "-o", "jsonpath={.spec.replicas}"), r => r == "3",
            "the HPA to scale the burners to its maximum", TimeSpan.FromSeconds(90));
        var scaled = await Eventually.UntilAsync(() => kubectl.OkAsync("get", "hpa", "burn"), t => TableText.Row(t, "burn")[2].StartsWith("cpu: ", StringComparison.Ordinal)
            && TableText.Row(t, "burn")[2].EndsWith("%/50%", StringComparison.Ordinal) && TableText.Row(t, "burn")[5] == "3", "the HPA's columns after scaling");
        Assert.Equal(["1", "3"], TableText.Row(scaled, "burn")[3..5]);
        var described = await kubectl.OkAsync("describe", "hpa", "burn");
        Assert.Contains("New size: 3; reason: cpu resource utilization (percentage of request) above target", described, StringComparison.Ordinal);
        Assert.Contains("SuccessfulRescale", described, StringComparison.Ordinal);
        Assert.Matches(@"ScalingActive\s+True\s+ValidMetricFound\s+the HPA was able to successfully calculate a replica count from cpu resource utilization \(percentage of request\)", described);

        // The same object through autoscaling/v1: the CPU target as v1 has it, the rest in upstream's annotations.
        var v1 = await kubectl.OkAsync("get", "--raw", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/burn");
        Assert.Contains("\"targetCPUUtilizationPercentage\":50", v1, StringComparison.Ordinal);
        Assert.Contains("autoscaling.alpha.kubernetes.io/behavior", v1, StringComparison.Ordinal);

        await kubectl.OkAsync("patch", "hpa", "burn", "--type=merge", "-p", """{"spec":{"behavior":{"scaleDown":{"stabilizationWindowSeconds":5}}}}""");
        await kubectl.OkAsync("patch", "deployment", "burn", "--type=json", "-p", """[{"op":"replace","path":"/spec/template/spec/containers/0/command","value":["sleep","3600"]}]""");

        await Eventually.UntilAsync(() => kubectl.OkAsync("get", "deployment", "burn", "-o", "jsonpath={.spec.replicas}"), r => r == "1",
            "the HPA to scale back down once idle", TimeSpan.FromSeconds(90));
        Assert.Contains("New size: 1; reason: All metrics below target", await kubectl.OkAsync("describe", "hpa", "burn"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_autoscalers_are_refused_with_upstreams_field_errors()
    {
        var kubectl = fx.Kubectl;

        var error = await kubectl.FailAsync("autoscale", "deployment", "web", "--min=3", "--max=2");
        Assert.Contains("--max=MAXPODS must be larger or equal to --min=MINPODS", error, StringComparison.Ordinal);

        var invalid = await kubectl.RunAsync(["apply", "-f", "-"], """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: bad}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment}
              maxReplicas: 0
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 0}}
              behavior:
                scaleDown: {stabilizationWindowSeconds: 4000, policies: [{type: Pods, value: 1, periodSeconds: 15}]}
            """);
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("The HorizontalPodAutoscaler \"bad\" is invalid", invalid.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.scaleTargetRef.name: Required value", invalid.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.maxReplicas: Invalid value: 0: must be greater than 0", invalid.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0", invalid.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600", invalid.Stderr, StringComparison.Ordinal);

        var annotation = await kubectl.RunAsync(["apply", "-f", "-"], """
            apiVersion: autoscaling/v1
            kind: HorizontalPodAutoscaler
            metadata:
              name: garbled
              annotations: {autoscaling.alpha.kubernetes.io/metrics: "{not json"}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              maxReplicas: 2
            """);
        Assert.NotEqual(0, annotation.ExitCode);
        Assert.Contains("invalid autoscaling annotation", annotation.Stderr, StringComparison.Ordinal);
    }
}
