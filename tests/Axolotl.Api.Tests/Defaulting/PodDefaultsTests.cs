using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Defaulting;

public sealed class PodDefaultsTests
{
    private static Pod Parse(string json) => KubeJson.Deserialize<Pod>(json)!;

    private static Pod Minimal(string image = "nginx:1.27") => Parse($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},"spec":{"containers":[{"name":"app","image":"{{{image}}}"}]}}
        """);

    [Fact]
    public void A_minimal_pod_gets_the_upstream_pod_spec_defaults()
    {
        var pod = Minimal();
        ObjectDefaulter.Apply(pod);
        var spec = pod.Spec!;
        Assert.Equal("Always", spec.RestartPolicy);
        Assert.Equal("ClusterFirst", spec.DnsPolicy);
        Assert.Equal("default-scheduler", spec.SchedulerName);
        Assert.Equal(30, spec.TerminationGracePeriodSeconds);
        Assert.NotNull(spec.SecurityContext);
        Assert.True(spec.EnableServiceLinks);
        // The Priority admission plugin resolves these from the pod's class; defaulting leaves them alone.
        Assert.Null(spec.Priority);
        Assert.Null(spec.PreemptionPolicy);
        Assert.Equal("{}", KubeJson.Serialize(spec.SecurityContext));
    }

    [Fact]
    public void Containers_get_termination_message_and_pull_policy_defaults()
    {
        var pod = Minimal();
        ObjectDefaulter.Apply(pod);
        var container = pod.Spec!.Containers[0];
        Assert.Equal("/dev/termination-log", container.TerminationMessagePath);
        Assert.Equal("File", container.TerminationMessagePolicy);
        Assert.Equal("IfNotPresent", container.ImagePullPolicy);
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.27", "IfNotPresent")]
    [InlineData("localhost:5000/nginx", "Always")]
    [InlineData("localhost:5000/nginx:2", "IfNotPresent")]
    [InlineData("nginx@sha256:0123456789abcdef", "IfNotPresent")]
    [InlineData("nginx:latest@sha256:0123456789abcdef", "Always")]
    public void The_pull_policy_depends_on_the_image_tag(string image, string policy)
    {
        var pod = Minimal(image);
        ObjectDefaulter.Apply(pod);
        Assert.Equal(policy, pod.Spec!.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void Probes_get_timing_defaults_and_http_probes_a_path_and_scheme()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"i",
              "livenessProbe":{"httpGet":{"port":8080}},
              "readinessProbe":{"grpc":{"port":9090},"periodSeconds":3},
              "lifecycle":{"preStop":{"httpGet":{"port":80}}}}]}}
            """);
        ObjectDefaulter.Apply(pod);
        var liveness = pod.Spec!.Containers[0].LivenessProbe!;
        Assert.Equal((1, 10, 1, 3), (liveness.TimeoutSeconds, liveness.PeriodSeconds, liveness.SuccessThreshold, liveness.FailureThreshold));
        Assert.Null(liveness.InitialDelaySeconds);
        Assert.Equal(("/", "HTTP"), (liveness.HttpGet!.Path, liveness.HttpGet.Scheme));
        var readiness = pod.Spec.Containers[0].ReadinessProbe!;
        Assert.Equal(3, readiness.PeriodSeconds);
        Assert.Equal("", readiness.Grpc!.Service);
        Assert.Equal("/", pod.Spec.Containers[0].Lifecycle!.PreStop!.HttpGet!.Path);
    }

    [Fact]
    public void Container_ports_default_to_tcp()
    {
        var pod = Parse("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"i","ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}]}]}}""");
        ObjectDefaulter.Apply(pod);
        Assert.Equal(["TCP", "UDP"], pod.Spec!.Containers[0].Ports!.Select(p => p.Protocol));
    }

    [Fact]
    public void Requests_default_to_limits_for_each_resource_only_given_as_a_limit()
    {
        var pod = Parse("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"i","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"250m"}}}]}}""");
        ObjectDefaulter.Apply(pod);
        var requests = pod.Spec!.Containers[0].Resources!.Requests!;
        Assert.Equal("250m", requests["cpu"].ToString());
        Assert.Equal("1Gi", requests["memory"].ToString());
    }

    [Fact]
    public void Resource_quantities_are_rounded_up_to_milli_precision()
    {
        var pod = Parse("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"i","resources":{"requests":{"cpu":"100n"}}}]}}""");
        ObjectDefaulter.Apply(pod);
        Assert.Equal("1m", pod.Spec!.Containers[0].Resources!.Requests!["cpu"].ToString());
    }

    [Fact]
    public void Host_network_pods_default_host_ports_to_container_ports()
    {
        var pod = Parse("""{"metadata":{"name":"p"},"spec":{"hostNetwork":true,"containers":[{"name":"a","image":"i","ports":[{"containerPort":8080}]}]}}""");
        ObjectDefaulter.Apply(pod);
        Assert.Equal(8080, pod.Spec!.Containers[0].Ports![0].HostPort);
    }

    [Fact]
    public void Volumes_without_a_source_become_empty_dirs_and_file_volumes_get_mode_0644()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"i"}],"volumes":[
              {"name":"scratch"},
              {"name":"cfg","configMap":{"name":"c"}},
              {"name":"sec","secret":{"secretName":"s"}},
              {"name":"down","downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}}]}},
              {"name":"proj","projected":{"sources":[{"serviceAccountToken":{"path":"token"}}]}},
              {"name":"host","hostPath":{"path":"/data"}}]}}
            """);
        ObjectDefaulter.Apply(pod);
        var volumes = pod.Spec!.Volumes!;
        Assert.NotNull(volumes[0].EmptyDir);
        Assert.Equal(420, volumes[1].ConfigMap!.DefaultMode);
        Assert.Equal(420, volumes[2].Secret!.DefaultMode);
        Assert.Equal(420, volumes[3].DownwardAPI!.DefaultMode);
        Assert.Equal("v1", volumes[3].DownwardAPI!.Items![0].FieldRef!.ApiVersion);
        Assert.Equal(420, volumes[4].Projected!.DefaultMode);
        Assert.Equal(3600, volumes[4].Projected!.Sources![0].ServiceAccountToken!.ExpirationSeconds);
        Assert.Equal("", volumes[5].HostPath!.Type);
    }

    [Fact]
    public void Env_field_references_default_their_api_version()
    {
        var pod = Parse("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"i","env":[{"name":"N","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}]}}""");
        ObjectDefaulter.Apply(pod);
        Assert.Equal("v1", pod.Spec!.Containers[0].Env![0].ValueFrom!.FieldRef!.ApiVersion);
    }

    [Fact]
    public void Explicit_values_are_never_overwritten()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},"spec":{"restartPolicy":"Never","dnsPolicy":"Default","terminationGracePeriodSeconds":5,"priority":7,"priorityClassName":"high",
              "enableServiceLinks":false,"containers":[{"name":"a","image":"i","imagePullPolicy":"Never","terminationMessagePolicy":"FallbackToLogsOnError"}]}}
            """);
        ObjectDefaulter.Apply(pod);
        Assert.Equal(("Never", "Default", 5L, 7, false), (pod.Spec!.RestartPolicy, pod.Spec.DnsPolicy, pod.Spec.TerminationGracePeriodSeconds!.Value, pod.Spec.Priority!.Value, pod.Spec.EnableServiceLinks!.Value));
        Assert.Equal(("Never", "FallbackToLogsOnError"), (pod.Spec.Containers[0].ImagePullPolicy, pod.Spec.Containers[0].TerminationMessagePolicy));
    }

    [Fact]
    public void Defaulting_twice_changes_nothing()
    {
        var pod = Parse(Kinds.Manifests.Pod);
        pod.Spec!.Containers[0].ImagePullPolicy = null;
        pod.Spec.Containers[0].LivenessProbe = new Probe { HttpGet = new HTTPGetAction { Port = 80 } };
        ObjectDefaulter.Apply(pod);
        var once = KubeJson.Serialize(pod);
        ObjectDefaulter.Apply(pod);
        Assert.Equal(once, KubeJson.Serialize(pod));
    }

    [Fact]
    public void A_pod_from_a_real_cluster_is_already_fully_defaulted()
    {
        var pod = Parse(Kinds.Manifests.Pod);
        var before = KubeJson.Serialize(pod);
        ObjectDefaulter.Apply(pod);
        Kinds.JsonComparison.AssertEquivalent(before, KubeJson.Serialize(pod));
    }
}
