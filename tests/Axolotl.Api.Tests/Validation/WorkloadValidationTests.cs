using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class WorkloadValidationTests
{
    private static string DeploymentJson(string spec) =>
        $$$"""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{{{spec}}}}""";

    private const string Template = """{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}""";

    private static Deployment RealisticDeployment() => Defaulted<Deployment>(Kinds.Manifests.Deployment);

    [Fact]
    public void A_realistic_deployment_with_pod_anti_affinity_and_zone_spreading_is_valid()
    {
        Assert.Empty(Errors(RealisticDeployment()));
    }

    [Fact]
    public void A_selector_that_does_not_match_the_template_labels_is_rejected_with_the_upstream_message()
    {
        var errors = ObjectValidator.Validate(Defaulted<Deployment>(DeploymentJson($$$"""{"selector":{"matchLabels":{"app":"api"}},"template":{{{Template}}}}""")), null);
        var error = Assert.Single(errors);
        Assert.Equal("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`", error.ToString());
        Assert.Equal("FieldValueInvalid", error.Reason);
    }

    [Fact]
    public void A_deployment_needs_a_selector_and_a_non_negative_replica_count()
    {
        Assert.Equal(["spec.selector: Required value"], Errors<Deployment>(DeploymentJson($$$"""{"template":{{{Template}}}}""")));
        Assert.Equal(["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
            Errors<Deployment>(DeploymentJson($$$"""{"replicas":-1,"selector":{"matchLabels":{"app":"web"}},"template":{{{Template}}}}""")));
    }

    [Fact]
    public void An_empty_selector_is_invalid()
    {
        Assert.Equal(["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"],
            Errors<Deployment>(DeploymentJson($$$"""{"selector":{},"template":{{{Template}}}}""")));
    }

    [Fact]
    public void Selector_expressions_are_validated()
    {
        Assert.Equal(
        [
            "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", Operator:\"In\", Values:[]string(nil)}}}: invalid label selector",
        ], Errors<Deployment>(DeploymentJson($$$"""{"selector":{"matchExpressions":[{"key":"app","operator":"In"}]},"template":{{{Template}}}}""")));
    }

    [Fact]
    public void Max_surge_and_max_unavailable_may_not_both_be_zero()
    {
        Assert.Equal(["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"],
            Errors<Deployment>(DeploymentJson($$$"""{"selector":{"matchLabels":{"app":"web"}},"strategy":{"rollingUpdate":{"maxSurge":0,"maxUnavailable":0}},"template":{{{Template}}}}""")));
    }

    [Fact]
    public void Rolling_update_budgets_must_be_counts_or_percentages_up_to_100()
    {
        Assert.Equal(
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"lots\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ], Errors<Deployment>(DeploymentJson($$$"""{"selector":{"matchLabels":{"app":"web"}},"strategy":{"rollingUpdate":{"maxSurge":"lots","maxUnavailable":"150%"}},"template":{{{Template}}}}""")).OrderBy(e => e.Contains("maxSurge", StringComparison.Ordinal)));
    }

    [Fact]
    public void Templates_must_restart_always()
    {
        Assert.Equal(["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""],
            Errors<Deployment>(DeploymentJson("""{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"restartPolicy":"Never","containers":[{"name":"web","image":"nginx"}]}}}""")));
    }

    [Fact]
    public void Template_container_errors_carry_the_full_path()
    {
        Assert.Equal(["spec.template.spec.containers[0].image: Required value"],
            Errors<Deployment>(DeploymentJson("""{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web"}]}}}""")));
    }

    [Fact]
    public void The_progress_deadline_must_exceed_min_ready_seconds()
    {
        Assert.Equal(["spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"],
            Errors<Deployment>(DeploymentJson($$$"""{"minReadySeconds":10,"progressDeadlineSeconds":10,"selector":{"matchLabels":{"app":"web"}},"template":{{{Template}}}}""")));
    }

    [Fact]
    public void The_selector_of_an_apps_v1_deployment_is_immutable()
    {
        var old = RealisticDeployment();
        var updated = RealisticDeployment();
        updated.Spec!.Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } };
        Assert.Equal(["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"],
            Errors(updated, old));
    }

    [Fact]
    public void Scaling_and_template_changes_are_valid_updates()
    {
        var old = RealisticDeployment();
        var updated = RealisticDeployment();
        updated.Spec!.Replicas = 5;
        updated.Spec.Template.Spec.Containers[0].Image = "nginx:1.28";
        Assert.Empty(Errors(updated, old));
    }

    [Fact]
    public void Replica_sets_check_their_selector_and_template_like_deployments()
    {
        var errors = Errors<ReplicaSet>($$$"""{"metadata":{"name":"rs","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{{{Template}}}}}""");
        Assert.Equal(["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"], errors);
    }

    [Fact]
    public void Daemon_sets_reject_surge_together_with_unavailability()
    {
        var errors = Errors<DaemonSet>($$$"""{"metadata":{"name":"ds","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"web"}},"updateStrategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":1}},"template":{{{Template}}}}}""");
        Assert.Equal(["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero"], errors);
    }

    [Fact]
    public void Daemon_sets_without_a_selector_match_nothing()
    {
        Assert.Equal(["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"],
            Errors<DaemonSet>($$$"""{"metadata":{"name":"ds","namespace":"default"},"spec":{"template":{{{Template}}}}}"""));
    }

    [Fact]
    public void Replication_controllers_need_a_selector_matching_the_template()
    {
        var errors = ObjectValidator.Validate(new ReplicationController
        {
            Metadata = new() { Name = "rc", Namespace = "default" },
            Spec = new ReplicationControllerSpec { Selector = new() { ["app"] = "other" }, Template = Defaulted<Deployment>(DeploymentJson($$$"""{"template":{{{Template}}}}""")).Spec!.Template, Replicas = 1 },
        }, null);
        Assert.Equal(["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Status_counts_may_not_exceed_replicas()
    {
        var old = RealisticDeployment();
        var updated = RealisticDeployment();
        updated.Status!.ReadyReplicas = 4;
        Assert.Equal(["status.readyReplicas: Invalid value: 4: cannot be greater than status.replicas"], ObjectValidator.ValidateStatusUpdate(updated, old).Select(e => e.ToString()));
    }

    [Fact]
    public void Controller_revisions_need_data_that_never_changes()
    {
        var revision = Defaulted<ControllerRevision>("""{"metadata":{"name":"r","namespace":"default"},"revision":1}""");
        Assert.Equal(["data: Required value: data is mandatory"], Errors(revision));
    }
}
