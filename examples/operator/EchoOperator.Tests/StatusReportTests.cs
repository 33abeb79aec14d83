using EchoOperator.Reconcile;
using k8s.Models;

namespace EchoOperator.Tests;

public sealed class StatusReportTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static V1Deployment Observed(int ready, int updated = 2, long generation = 1, long observed = 1) => new()
    {
        Metadata = new V1ObjectMeta { Generation = generation },
        Status = new V1DeploymentStatus { ReadyReplicas = ready, UpdatedReplicas = updated, ObservedGeneration = observed },
    };

    [Theory]
    [InlineData(2, 2, 1, "True", "AllReplicasReady", "2/2 replicas ready")]
    [InlineData(1, 2, 1, "False", "Progressing", "1/2 replicas ready")]
    [InlineData(2, 1, 1, "False", "Progressing", "2/2 replicas ready")]
    [InlineData(2, 2, 0, "False", "Progressing", "2/2 replicas ready")]
    public void Ready_is_true_only_when_the_current_Deployment_has_every_replica_ready(int ready, int updated, long observed, string status, string reason, string message)
    {
        var report = StatusReport.From(Echoes.Hello(), Observed(ready, updated, observed: observed), null, T0);

        var condition = Assert.Single(report.Conditions);
        Assert.Equal(("Ready", status, reason, message), (condition.Type, condition.Status, condition.Reason, condition.Message));
        Assert.Equal(ready, report.ReadyReplicas);
        Assert.Equal(1, report.ObservedGeneration);
    }

    [Fact]
    public void A_name_held_by_another_controller_is_reported_and_no_Deployment_means_none_ready()
    {
        var report = StatusReport.From(Echoes.Hello(), null, "Deployment hello exists and is controlled by ReplicaSet x", T0);

        Assert.Equal(("False", "NameInUse", 0), (report.Conditions[0].Status, report.Conditions[0].Reason, report.ReadyReplicas));
    }

    [Fact]
    public void The_transition_time_moves_only_when_the_status_does_and_an_unchanged_status_is_not_written_again()
    {
        var echo = Echoes.Hello();
        echo.Status = StatusReport.From(echo, Observed(1), null, T0);

        var same = StatusReport.From(echo, Observed(1), null, T0.AddMinutes(1));
        Assert.False(StatusReport.Differs(echo.Status, same));
        Assert.Equal(T0, same.Conditions[0].LastTransitionTime);

        var ready = StatusReport.From(echo, Observed(2), null, T0.AddMinutes(2));
        Assert.True(StatusReport.Differs(echo.Status, ready));
        Assert.Equal(T0.AddMinutes(2), ready.Conditions[0].LastTransitionTime);
    }
}
