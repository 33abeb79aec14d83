using Axolotl.Api.Apps;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class StatefulSetValidationTests
{
    private const string Template = """{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx","volumeMounts":[{"name":"data","mountPath":"/data"}]}]}}""";

    private const string Claims = """[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]""";

    private static string Json(string spec) =>
        $$$"""{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web","namespace":"default"},"spec":{{{spec}}}}""";

    private static StatefulSet Valid() =>
        Defaulted<StatefulSet>(Json($$$"""{"serviceName":"web","replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{{{Template}}},"volumeClaimTemplates":{{{Claims}}}}"""));

    [Fact]
    public void Defaults_are_upstream_s_and_a_set_whose_mounts_name_a_claim_template_is_valid()
    {
        var set = Valid();
        Assert.Empty(Errors(set));
        var spec = set.Spec!;
        Assert.Equal("OrderedReady", spec.PodManagementPolicy);
        Assert.Equal("RollingUpdate", spec.UpdateStrategy!.Type);
        Assert.Equal(0, spec.UpdateStrategy.RollingUpdate!.Partition);
        Assert.Equal(10, spec.RevisionHistoryLimit);
        Assert.Equal(("Retain", "Retain"), (spec.PersistentVolumeClaimRetentionPolicy!.WhenDeleted, spec.PersistentVolumeClaimRetentionPolicy.WhenScaled));
        Assert.Equal("Filesystem", spec.VolumeClaimTemplates![0].Spec!.VolumeMode);
        Assert.Equal(("v1", "PersistentVolumeClaim"), (spec.VolumeClaimTemplates[0].ApiVersion, spec.VolumeClaimTemplates[0].Kind));
        Assert.Equal(1, Defaulted<StatefulSet>(Json($$$"""{"selector":{"matchLabels":{"app":"web"}},"template":{{{Template}}}}""")).Spec!.Replicas);
    }

    [Fact]
    public void MaxUnavailable_is_dropped_as_1_32_does_with_its_feature_gate_off()
    {
        var set = Defaulted<StatefulSet>(Json($$$"""{"selector":{"matchLabels":{"app":"web"}},"template":{{{Template}}},"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2,"maxUnavailable":2} } }"""));
        Assert.Null(set.Spec!.UpdateStrategy!.RollingUpdate!.MaxUnavailable);
        Assert.Equal(2, set.Spec.UpdateStrategy.RollingUpdate.Partition);
    }

    [Fact]
    public void A_selector_that_does_not_match_the_template_is_rejected_with_the_upstream_message()
    {
        var errors = Errors<StatefulSet>(Json($$$"""{"selector":{"matchLabels":{"app":"db"}},"template":{{{Template}}}}"""));
        Assert.Equal(["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"], errors);
    }

    [Fact]
    public void Missing_and_empty_selectors_bad_policies_and_negative_counts_are_rejected()
    {
        Assert.Equal(["spec.selector: Required value"], Errors<StatefulSet>(Json($$$"""{"template":{{{Template}}}}""")));
        Assert.Contains(Errors<StatefulSet>(Json($$$"""{"selector":{},"template":{{{Template}}}}""")),
            e => e.EndsWith("empty selector is invalid for statefulset", StringComparison.Ordinal));
        var errors = Errors<StatefulSet>(Json($$$"""
            {"replicas":-1,"podManagementPolicy":"Sometimes","ordinals":{"start":-2},"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Keep"},
             "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":-1}},"selector":{"matchLabels":{"app":"web"}},"template":{{{Template}}}}
            """));
        Assert.Contains("spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'", errors);
        Assert.Contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0", errors);
        Assert.Contains("spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0", errors);
        Assert.Contains("spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0", errors);
        Assert.Contains("spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"", errors);
    }

    [Fact]
    public void OnDelete_with_rollingUpdate_parameters_and_a_non_Always_restart_policy_are_rejected()
    {
        var template = Template.Replace("\"containers\"", "\"restartPolicy\":\"OnFailure\",\"containers\"", StringComparison.Ordinal);
        var errors = Errors<StatefulSet>(Json($$$"""{"updateStrategy":{"type":"OnDelete","rollingUpdate":{"partition":1}},"selector":{"matchLabels":{"app":"web"}},"template":{{{template}}}}"""));
        Assert.Contains(errors, e => e.StartsWith("spec.updateStrategy.rollingUpdate: Invalid value: ", StringComparison.Ordinal) && e.EndsWith("only allowed for updateStrategy 'RollingUpdate'", StringComparison.Ordinal));
        Assert.Contains("spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"", errors);
    }

    [Fact]
    public void An_update_may_change_replicas_template_strategy_ordinals_retention_and_minReadySeconds()
    {
        var old = Valid();
        var updated = Valid();
        updated.Spec!.Replicas = 5;
        updated.Spec.Template.Spec.Containers[0].Image = "nginx:2";
        updated.Spec.UpdateStrategy!.RollingUpdate!.Partition = 2;
        updated.Spec.MinReadySeconds = 3;
        updated.Spec.Ordinals = new StatefulSetOrdinals { Start = 1 };
        updated.Spec.PersistentVolumeClaimRetentionPolicy!.WhenScaled = "Delete";
        Assert.Empty(Errors(updated, old));
    }

    [Theory]
    [InlineData("serviceName")]
    [InlineData("volumeClaimTemplates")]
    [InlineData("podManagementPolicy")]
    [InlineData("selector")]
    [InlineData("revisionHistoryLimit")]
    public void Changing_any_other_field_is_forbidden_with_the_upstream_message(string field)
    {
        var old = Valid();
        var updated = Valid();
        switch (field)
        {
            case "serviceName": updated.Spec!.ServiceName = "other"; break;
            case "volumeClaimTemplates": updated.Spec!.VolumeClaimTemplates![0].Spec!.Resources!.Requests!["storage"] = Axolotl.Api.Resources.Quantity.Parse("2Gi"); break;
            case "podManagementPolicy": updated.Spec!.PodManagementPolicy = "Parallel"; break;
            case "selector":
                updated.Spec!.Selector!.MatchLabels!["tier"] = "x";
                updated.Spec.Template.Metadata.Labels!["tier"] = "x";
                break;
            default: updated.Spec!.RevisionHistoryLimit = 3; break;
        }
        var error = Assert.Single(ObjectValidator.Validate(updated, old));
        Assert.Equal("spec", error.Field);
        Assert.Equal("FieldValueForbidden", error.Reason);
        Assert.Equal("Forbidden: " + StatefulSetValidation.ImmutableSpecMessage, error.Message);
    }

    [Fact]
    public void The_name_must_be_a_DNS_label_because_it_becomes_the_pods_hostname()
    {
        var set = Defaulted<StatefulSet>(Json($$$"""{"selector":{"matchLabels":{"app":"web"}},"template":{{{Template}}}}""").Replace("\"name\":\"web\"", "\"name\":\"web.v1\"", StringComparison.Ordinal));
        Assert.Contains(Errors(set), e => e.StartsWith("metadata.name: Invalid value: \"web.v1\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Status_counters_may_not_exceed_replicas_and_collisionCount_may_not_go_down()
    {
        var old = Valid();
        old.Status = new StatefulSetStatus { Replicas = 2, CollisionCount = 2 };
        var updated = Valid();
        updated.Status = new StatefulSetStatus { Replicas = 2, ReadyReplicas = 3, CollisionCount = 1 };
        var errors = ObjectValidator.ValidateStatusUpdate(updated, old).Select(e => e.ToString()).ToList();
        Assert.Contains("status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas", errors);
        Assert.Contains("status.collisionCount: Invalid value: 1: cannot be decremented", errors);
    }
}
