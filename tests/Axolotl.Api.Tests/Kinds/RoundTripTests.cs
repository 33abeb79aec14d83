using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Kinds;

public sealed class RoundTripTests
{
    [Fact]
    public void A_deployment_with_probes_lifecycle_and_env_sources_round_trips_losslessly()
    {
        var deployment = KubeJson.Deserialize<Deployment>(Manifests.Deployment)!;
        JsonComparison.AssertEquivalent(Manifests.Deployment, KubeJson.Serialize(deployment));
    }

    [Fact]
    public void A_load_balancer_service_round_trips_losslessly()
    {
        var service = KubeJson.Deserialize<Service>(Manifests.Service)!;
        JsonComparison.AssertEquivalent(Manifests.Service, KubeJson.Serialize(service));
    }

    [Fact]
    public void A_node_with_a_full_status_round_trips_losslessly()
    {
        var node = KubeJson.Deserialize<Node>(Manifests.Node)!;
        JsonComparison.AssertEquivalent(Manifests.Node, KubeJson.Serialize(node));
    }

    [Fact]
    public void A_running_pod_with_status_from_a_real_cluster_round_trips_losslessly()
    {
        var pod = KubeJson.Deserialize<Pod>(Manifests.Pod)!;
        JsonComparison.AssertEquivalent(Manifests.Pod, KubeJson.Serialize(pod));
    }

    [Fact]
    public void The_model_exposes_the_parsed_values_typed()
    {
        var deployment = KubeJson.Deserialize<Deployment>(Manifests.Deployment)!;
        var container = deployment.Spec!.Template.Spec.Containers[0];
        Assert.Equal(8080, container.LivenessProbe!.HttpGet!.Port.IntValue);
        Assert.Equal("http", container.ReadinessProbe!.TcpSocket!.Port.StringValue);
        Assert.Equal("256Mi", container.Resources!.Limits!["memory"].ToString());
        Assert.Equal(1, deployment.Spec.Strategy!.RollingUpdate!.MaxUnavailable!.Value.IntValue);
        Assert.Equal("25%", deployment.Spec.Strategy.RollingUpdate.MaxSurge!.Value.StringValue);

        var node = KubeJson.Deserialize<Node>(Manifests.Node)!;
        Assert.Equal(10250, node.Status!.DaemonEndpoints!.KubeletEndpoint!.Port);
        Assert.Equal(2, node.Status.Capacity!["cpu"].Value());

        var pod = KubeJson.Deserialize<Pod>(Manifests.Pod)!;
        Assert.Equal(137, pod.Status!.ContainerStatuses![0].LastState!.Terminated!.ExitCode);
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 8, 0, 16, TimeSpan.Zero), pod.Status.ContainerStatuses[0].State!.Running!.StartedAt);
    }

    [Fact]
    public void Unknown_fields_survive_a_round_trip_at_every_level()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","future":1},"spec":{"containers":[{"name":"c","image":"i","newField":{"a":[1,2]}}],"brandNew":true},"extra":"x"}
            """;
        var pod = KubeJson.Deserialize<Pod>(json)!;
        JsonComparison.AssertEquivalent(json, KubeJson.Serialize(pod));
    }

    [Fact]
    public void Secrets_carry_binary_data_as_base64()
    {
        const string json = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"password":"czNjcjN0"},"type":"Opaque","immutable":true}""";
        var secret = KubeJson.Deserialize<Secret>(json)!;
        Assert.Equal("s3cr3t", System.Text.Encoding.UTF8.GetString(secret.Data!["password"]));
        JsonComparison.AssertEquivalent(json, KubeJson.Serialize(secret));
    }

    [Fact]
    public void Config_maps_with_binary_data_round_trip()
    {
        const string json = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default"},"data":{"a.yaml":"x: 1\n"},"binaryData":{"logo":"AAEC"}}""";
        JsonComparison.AssertEquivalent(json, KubeJson.Serialize(KubeJson.Deserialize<ConfigMap>(json)!));
    }

    [Fact]
    public void Leases_keep_microsecond_times()
    {
        const string json = """
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"worker-1","namespace":"kube-node-lease"},
             "spec":{"holderIdentity":"worker-1","leaseDurationSeconds":40,"renewTime":"2024-05-02T10:00:01.123456Z","acquireTime":"2024-05-02T09:00:00.000000Z","leaseTransitions":2}}
            """;
        var lease = KubeJson.Deserialize<Coordination.Lease>(json)!;
        Assert.Equal(1234560, lease.Spec!.RenewTime!.Value.Ticks % TimeSpan.TicksPerSecond);
        JsonComparison.AssertEquivalent(json, KubeJson.Serialize(lease));
    }

    [Fact]
    public void Core_events_round_trip_with_series_and_event_time()
    {
        const string json = """
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.17c1","namespace":"default"},
             "involvedObject":{"apiVersion":"v1","kind":"Pod","name":"web","namespace":"default","uid":"u1","resourceVersion":"9","fieldPath":"spec.containers{web}"},
             "reason":"BackOff","message":"Back-off restarting failed container","source":{"component":"kubelet","host":"worker-1"},
             "firstTimestamp":"2024-05-02T08:00:00Z","lastTimestamp":"2024-05-02T08:05:00Z","count":7,"type":"Warning",
             "eventTime":null,"reportingComponent":"kubelet","reportingInstance":"worker-1"}
            """;
        JsonComparison.AssertEquivalent(json, KubeJson.Serialize(KubeJson.Deserialize<Event>(json)!));
    }

    [Fact]
    public void Endpoint_slices_and_endpoints_round_trip()
    {
        const string slice = """
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-abc12","namespace":"default","labels":{"kubernetes.io/service-name":"web"}},
             "addressType":"IPv4","endpoints":[{"addresses":["10.244.0.7"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"worker-1",
             "targetRef":{"kind":"Pod","name":"web-1","namespace":"default","uid":"u"},"zone":"z1","hints":{"forZones":[{"name":"z1"}]}}],
             "ports":[{"name":"http","port":8080,"protocol":"TCP","appProtocol":"http"}]}
            """;
        JsonComparison.AssertEquivalent(slice, KubeJson.Serialize(KubeJson.Deserialize<Discovery.EndpointSlice>(slice)!));

        const string endpoints = """
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"web","namespace":"default"},
             "subsets":[{"addresses":[{"ip":"10.244.0.7","nodeName":"worker-1","targetRef":{"kind":"Pod","name":"web-1","namespace":"default"}}],
             "notReadyAddresses":[{"ip":"10.244.0.8"}],"ports":[{"name":"http","port":8080,"protocol":"TCP"}]}]}
            """;
        JsonComparison.AssertEquivalent(endpoints, KubeJson.Serialize(KubeJson.Deserialize<Endpoints>(endpoints)!));
    }

    [Fact]
    public void Quota_limit_range_and_budget_round_trip()
    {
        const string quota = """
            {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q","namespace":"team"},
             "spec":{"hard":{"pods":"10","requests.cpu":"4","limits.memory":"8Gi"},"scopes":["NotBestEffort"],
             "scopeSelector":{"matchExpressions":[{"operator":"In","scopeName":"PriorityClass","values":["high"]}]}},
             "status":{"hard":{"pods":"10"},"used":{"pods":"3"}}}
            """;
        JsonComparison.AssertEquivalent(quota, KubeJson.Serialize(KubeJson.Deserialize<ResourceQuota>(quota)!));

        const string limits = """
            {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"l","namespace":"team"},
             "spec":{"limits":[{"type":"Container","default":{"cpu":"500m"},"defaultRequest":{"cpu":"100m"},"max":{"memory":"1Gi"},"min":{"memory":"16Mi"},"maxLimitRequestRatio":{"cpu":"10"}}]}}
            """;
        JsonComparison.AssertEquivalent(limits, KubeJson.Serialize(KubeJson.Deserialize<LimitRange>(limits)!));

        const string budget = """
            {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"b","namespace":"default"},
             "spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}},"unhealthyPodEvictionPolicy":"AlwaysAllow"},
             "status":{"currentHealthy":3,"desiredHealthy":2,"disruptionsAllowed":1,"expectedPods":3,"observedGeneration":1,
             "disruptedPods":{"web-1":"2024-05-02T08:00:00Z"},
             "conditions":[{"type":"DisruptionAllowed","status":"True","reason":"SufficientPods","message":"","lastTransitionTime":"2024-05-02T08:00:00Z","observedGeneration":1}]}}
            """;
        JsonComparison.AssertEquivalent(budget, KubeJson.Serialize(KubeJson.Deserialize<Policy.PodDisruptionBudget>(budget)!));
    }

    [Fact]
    public void Daemon_sets_replica_sets_controllers_and_revisions_round_trip()
    {
        const string daemonSet = """
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"kube-system"},
             "spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"a","image":"agent:1"}],"hostNetwork":true}},
             "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":0,"maxUnavailable":1}},"revisionHistoryLimit":10},
             "status":{"currentNumberScheduled":1,"desiredNumberScheduled":1,"numberAvailable":1,"numberMisscheduled":0,"numberReady":1,"observedGeneration":1,"updatedNumberScheduled":1}}
            """;
        JsonComparison.AssertEquivalent(daemonSet, KubeJson.Serialize(KubeJson.Deserialize<DaemonSet>(daemonSet)!));

        const string revision = """
            {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"agent-7d8f","namespace":"kube-system"},
             "data":{"spec":{"template":{"$patch":"replace","spec":{"containers":[{"name":"a","image":"agent:1"}]}}}},"revision":1}
            """;
        JsonComparison.AssertEquivalent(revision, KubeJson.Serialize(KubeJson.Deserialize<ControllerRevision>(revision)!));

        const string controller = """
            {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"rc","namespace":"default"},
             "spec":{"replicas":2,"selector":{"app":"rc"},"template":{"metadata":{"labels":{"app":"rc"}},"spec":{"containers":[{"name":"c","image":"i"}]}}},
             "status":{"replicas":2,"readyReplicas":2,"availableReplicas":2,"fullyLabeledReplicas":2,"observedGeneration":1}}
            """;
        JsonComparison.AssertEquivalent(controller, KubeJson.Serialize(KubeJson.Deserialize<ReplicationController>(controller)!));
    }
}
