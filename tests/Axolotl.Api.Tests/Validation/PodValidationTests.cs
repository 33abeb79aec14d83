using Axolotl.Api.Core;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class PodValidationTests
{
    private static string PodJson(string spec) => $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},"spec":{{{spec}}}}""";

    private static List<string> PodErrors(string spec) => Errors<Pod>(PodJson(spec));

    [Fact]
    public void A_realistic_running_pod_is_valid()
    {
        Assert.Empty(Errors(Defaulted<Pod>(Kinds.Manifests.Pod)));
    }

    [Fact]
    public void A_pod_needs_at_least_one_container()
    {
        Assert.Equal(["spec.containers: Required value"], PodErrors("""{"containers":[]}"""));
    }

    [Fact]
    public void Containers_need_a_name_and_an_image()
    {
        var errors = ObjectValidator.Validate(Defaulted<Pod>(PodJson("""{"containers":[{"name":"","image":""}]}""")), null);
        Assert.Equal(["spec.containers[0].name: Required value", "spec.containers[0].image: Required value"], errors.Select(e => e.ToString()));
        Assert.All(errors, e => Assert.Equal("FieldValueRequired", e.Reason));
    }

    [Fact]
    public void Json_nulls_in_required_fields_read_as_empty_values_as_in_go()
    {
        var pod = Defaulted<Pod>("""{"metadata":{"name":"p","namespace":"d"},"spec":{"containers":[{"name":null,"image":"i","ports":[{"containerPort":80}]}]}}""");
        Assert.Equal("", pod.Spec!.Containers[0].Name);
        Assert.Equal(["spec.containers[0].name: Required value"], Errors(pod));
        Assert.Equal(["spec.containers: Required value"], PodErrors("""{"containers":null}"""));
    }

    [Fact]
    public void Container_names_must_be_unique()
    {
        var errors = ObjectValidator.Validate(Defaulted<Pod>(PodJson("""{"containers":[{"name":"app","image":"a"},{"name":"app","image":"b"}]}""")), null);
        var error = Assert.Single(errors);
        Assert.Equal("spec.containers[1].name: Duplicate value: \"app\"", error.ToString());
        Assert.Equal("FieldValueDuplicate", error.Reason);
    }

    [Fact]
    public void Init_container_names_may_not_repeat_app_container_names()
    {
        Assert.Equal(["spec.initContainers[0].name: Duplicate value: \"app\""],
            PodErrors("""{"containers":[{"name":"app","image":"a"}],"initContainers":[{"name":"app","image":"b"}]}"""));
    }

    [Fact]
    public void Container_names_must_be_dns_labels()
    {
        Assert.Equal(["spec.containers[0].name: Invalid value: \"App\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
            PodErrors("""{"containers":[{"name":"App","image":"a"}]}"""));
    }

    [Fact]
    public void Ports_must_be_in_range_and_port_names_unique_iana_names()
    {
        var errors = PodErrors("""{"containers":[{"name":"a","image":"i","ports":[{"containerPort":70000,"name":"http"},{"containerPort":80,"name":"http"},{"containerPort":81,"name":"9090"},{"containerPort":82,"protocol":"ICMP"}]}]}""");
        Assert.Equal(
        [
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[0].ports[1].name: Duplicate value: \"http\"",
            "spec.containers[0].ports[2].name: Invalid value: \"9090\": must contain at least one letter (a-z)",
            "spec.containers[0].ports[3].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
        ], errors);
    }

    [Fact]
    public void Host_ports_may_not_collide_across_containers()
    {
        Assert.Equal(["spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//8080\""],
            PodErrors("""{"containers":[{"name":"a","image":"i","ports":[{"containerPort":80,"hostPort":8080}]},{"name":"b","image":"i","ports":[{"containerPort":81,"hostPort":8080}]}]}"""));
    }

    [Fact]
    public void The_restart_policy_must_be_one_of_the_three_values_in_upstream_order()
    {
        var error = Assert.Single(ObjectValidator.Validate(Defaulted<Pod>(PodJson("""{"restartPolicy":"Sometimes","containers":[{"name":"a","image":"i"}]}""")), null));
        Assert.Equal("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"", error.ToString());
        Assert.Equal("FieldValueNotSupported", error.Reason);
    }

    [Fact]
    public void The_dns_policy_must_be_supported()
    {
        Assert.Equal(["spec.dnsPolicy: Unsupported value: \"Public\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""],
            PodErrors("""{"dnsPolicy":"Public","containers":[{"name":"a","image":"i"}]}"""));
    }

    [Fact]
    public void A_probe_needs_exactly_one_handler()
    {
        Assert.Equal(["spec.containers[0].livenessProbe: Required value: must specify a handler type"],
            PodErrors("""{"containers":[{"name":"a","image":"i","livenessProbe":{"periodSeconds":5}}]}"""));
        Assert.Equal(["spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"],
            PodErrors("""{"containers":[{"name":"a","image":"i","readinessProbe":{"httpGet":{"port":80},"tcpSocket":{"port":80}}}]}"""));
    }

    [Fact]
    public void Probe_rules_match_upstream()
    {
        var errors = PodErrors("""
            {"containers":[{"name":"a","image":"i",
              "livenessProbe":{"exec":{"command":["true"]},"successThreshold":2},
              "readinessProbe":{"httpGet":{"port":"Http-Port"},"terminationGracePeriodSeconds":5},
              "startupProbe":{"tcpSocket":{"port":0},"initialDelaySeconds":-1}}]}
            """);
        Assert.Equal(
        [
            "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
            "spec.containers[0].readinessProbe.httpGet.port: Invalid value: \"Http-Port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes",
            "spec.containers[0].startupProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.containers[0].startupProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0",
        ], errors);
    }

    [Fact]
    public void Requests_may_not_exceed_limits()
    {
        Assert.Equal(["spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"],
            PodErrors("""{"containers":[{"name":"a","image":"i","resources":{"limits":{"cpu":"1"},"requests":{"cpu":"2"}}}]}"""));
    }

    [Fact]
    public void Resource_names_and_values_are_checked()
    {
        var errors = PodErrors("""{"containers":[{"name":"a","image":"i","resources":{"limits":{"gpu":"1","example.com/dongle":"1"},"requests":{"memory":"-1","example.com/dongle":"500m"}}}]}""");
        Assert.Equal(
        [
            "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
            "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
            "spec.containers[0].resources.requests[example.com/dongle]: Invalid value: \"500m\": must be an integer",
            "spec.containers[0].resources.requests: Invalid value: \"500m\": must be equal to example.com/dongle limit of 1",
            // Defaulting copied the gpu limit into the requests, so it is reported there too.
            "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
            "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
            "spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0",
        ], errors);
    }

    [Fact]
    public void Volume_mounts_must_name_a_declared_volume_and_volumes_need_exactly_one_source()
    {
        var errors = PodErrors("""
            {"containers":[{"name":"a","image":"i","volumeMounts":[{"name":"missing","mountPath":"/m"},{"name":"cfg","mountPath":"/m"}]}],
             "volumes":[{"name":"cfg","configMap":{"name":"c"}},{"name":"two","emptyDir":{},"hostPath":{"path":"/x"}},{"name":"cfg","emptyDir":{}}]}
            """);
        Assert.Equal(
        [
            "spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type",
            "spec.volumes[2].name: Duplicate value: \"cfg\"",
            "spec.containers[0].volumeMounts[0].name: Not found: \"missing\"",
            "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/m\": must be unique",
        ], errors);
    }

    [Fact]
    public void Env_vars_need_a_name_and_at_most_one_source()
    {
        var errors = PodErrors("""
            {"containers":[{"name":"a","image":"i","env":[
              {"name":""},
              {"name":"A","value":"x","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
              {"name":"B","valueFrom":{"fieldRef":{"fieldPath":"spec.bogus"}}},
              {"name":"C","valueFrom":{"fieldRef":{"fieldPath":"status.phase"}}},
              {"name":"D","valueFrom":{}}]}]}
            """);
        Assert.Equal(
        [
            "spec.containers[0].env[0].name: Required value",
            "spec.containers[0].env[1].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty",
            "spec.containers[0].env[2].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.bogus\": error converting fieldPath: field label not supported: spec.bogus",
            "spec.containers[0].env[3].valueFrom.fieldRef.fieldPath: Unsupported value: \"status.phase\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\"",
            "spec.containers[0].env[4].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
        ], errors);
    }

    [Fact]
    public void Tolerations_follow_the_operator_rules()
    {
        var errors = PodErrors("""
            {"containers":[{"name":"a","image":"i"}],"tolerations":[
              {"operator":"Equal","value":"x"},
              {"key":"k","operator":"Exists","value":"v"},
              {"key":"k","tolerationSeconds":5,"effect":"NoSchedule"},
              {"key":"k","effect":"Sometimes"}]}
            """);
        Assert.Equal(
        [
            "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            "spec.tolerations[1].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
            "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
            "spec.tolerations[3].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
        ], errors);
    }

    [Fact]
    public void Ephemeral_containers_cannot_be_set_on_create()
    {
        Assert.Equal(["spec.ephemeralContainers: Forbidden: cannot be set on create"],
            PodErrors("""{"containers":[{"name":"a","image":"i"}],"ephemeralContainers":[{"name":"dbg","image":"busybox","targetContainerName":"a"}]}"""));
    }

    [Fact]
    public void Init_containers_without_restart_always_may_not_have_probes()
    {
        Assert.Equal(["spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"],
            PodErrors("""{"containers":[{"name":"a","image":"i"}],"initContainers":[{"name":"b","image":"i","livenessProbe":{"exec":{"command":["true"]}}}]}"""));
        Assert.Empty(PodErrors("""{"containers":[{"name":"a","image":"i"}],"initContainers":[{"name":"b","image":"i","restartPolicy":"Always","livenessProbe":{"exec":{"command":["true"]}}}]}"""));
    }

    [Fact]
    public void An_update_may_change_images()
    {
        var old = Defaulted<Pod>(Kinds.Manifests.Pod);
        var updated = Defaulted<Pod>(Kinds.Manifests.Pod);
        updated.Spec!.Containers[0].Image = "nginx:1.28";
        updated.Metadata.Labels!["extra"] = "yes";
        Assert.Empty(Errors(updated, old));
    }

    [Fact]
    public void An_update_that_changes_other_spec_fields_is_forbidden_with_the_upstream_message()
    {
        var old = Defaulted<Pod>(Kinds.Manifests.Pod);
        var updated = Defaulted<Pod>(Kinds.Manifests.Pod);
        updated.Spec!.Containers[0].Ports![0].ContainerPortNumber = 9090;
        var error = Assert.Single(ObjectValidator.Validate(updated, old));
        Assert.Equal("FieldValueForbidden", error.Reason);
        Assert.Equal("spec", error.Field);
        Assert.StartsWith("Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`," +
                          "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," +
                          "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n", error.Message);
        Assert.Contains("containers[0].ports[0].containerPort: 9090", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_update_may_add_tolerations_but_not_change_existing_ones()
    {
        var old = Defaulted<Pod>(Kinds.Manifests.Pod);
        var added = Defaulted<Pod>(Kinds.Manifests.Pod);
        added.Spec!.Tolerations!.Add(new Toleration { Key = "extra", Operator = "Exists" });
        added.Spec.Tolerations[0].TolerationSeconds = 60;
        Assert.Empty(Errors(added, old));

        var changed = Defaulted<Pod>(Kinds.Manifests.Pod);
        changed.Spec!.Tolerations![0].Key = "other";
        Assert.Contains("spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds", Errors(changed, old));
    }

    [Fact]
    public void Active_deadline_seconds_may_only_be_lowered()
    {
        var old = Defaulted<Pod>(Kinds.Manifests.Pod);
        old.Spec!.ActiveDeadlineSeconds = 100;
        var lowered = Defaulted<Pod>(Kinds.Manifests.Pod);
        lowered.Spec!.ActiveDeadlineSeconds = 50;
        Assert.Empty(Errors(lowered, old));

        var raised = Defaulted<Pod>(Kinds.Manifests.Pod);
        raised.Spec!.ActiveDeadlineSeconds = 200;
        Assert.Equal(["spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value"], Errors(raised, old));
    }

    [Fact]
    public void An_update_may_not_add_or_remove_containers()
    {
        var old = Defaulted<Pod>(Kinds.Manifests.Pod);
        var updated = Defaulted<Pod>(Kinds.Manifests.Pod);
        updated.Spec!.Containers.Add(new Container { Name = "extra", Image = "i", ImagePullPolicy = "Always", TerminationMessagePolicy = "File" });
        Assert.Contains("spec.containers: Forbidden: pod updates may not add or remove containers", Errors(updated, old));
    }

    [Fact]
    public void Moving_a_pod_to_another_node_through_the_status_subresource_is_forbidden()
    {
        var old = Defaulted<Pod>(Kinds.Manifests.Pod);
        var updated = Defaulted<Pod>(Kinds.Manifests.Pod);
        updated.Spec!.NodeName = "worker-2";
        Assert.Equal(["status.nodeName: Forbidden: may not be changed directly"], ObjectValidator.ValidateStatusUpdate(updated, old).Select(e => e.ToString()));
    }

    [Fact]
    public void Bindings_must_target_a_named_node()
    {
        var binding = new Binding { Metadata = new() { Name = "p" }, Target = new ObjectReference { Kind = "Pod" } };
        Assert.Equal(
        [
            "target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\"",
            "target.name: Required value",
        ], Errors(binding));
    }
}
