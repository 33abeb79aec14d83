using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Controllers.Deployments;

namespace Axolotl.Controllers.Tests.Deployments;

public sealed class RolloutMathTests
{
    private static IntOrString? Parse(string? value) =>
        value is null ? null : int.TryParse(value, out var n) ? IntOrString.FromInt(n) : (IntOrString?)IntOrString.FromString(value);

    [Theory]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("25%", "25%", 3, 1, 0)]
    [InlineData("25%", "25%", 1, 1, 0)]
    [InlineData("0%", "0%", 10, 0, 1)]
    [InlineData("0", "10%", 5, 0, 1)]
    [InlineData("2", "1", 10, 2, 1)]
    [InlineData("50%", "50%", 5, 3, 2)]
    [InlineData(null, null, 4, 0, 1)]
    public void Fenceposts_round_surge_up_and_unavailability_down_and_never_both_zero(string? surge, string? unavailable, int replicas, int wantSurge, int wantUnavailable)
    {
        Assert.Equal((wantSurge, wantUnavailable), RolloutMath.ResolveFenceposts(Parse(surge), Parse(unavailable), replicas));
    }

    private static Deployment D(int replicas, string surge = "25%", string unavailable = "25%", string type = "RollingUpdate") => new()
    {
        Metadata = new ObjectMeta { Name = "web", Generation = 1 },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new DeploymentStrategy
            {
                Type = type,
                RollingUpdate = type == "RollingUpdate" ? new RollingUpdateDeployment { MaxSurge = Parse(surge), MaxUnavailable = Parse(unavailable) } : null,
            },
        },
    };

    private static ReplicaSet Rs(int replicas, int? maxReplicasAnnotation = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = $"rs-{replicas}",
            Annotations = maxReplicasAnnotation is { } max ? new() { [DeploymentAnnotations.MaxReplicas] = max.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
        },
        Spec = new ReplicaSetSpec { Replicas = replicas },
    };

    [Theory]
    [InlineData(10, 10, 0, 3)]
    [InlineData(10, 8, 3, 5)]
    [InlineData(10, 10, 3, 3)]
    [InlineData(10, 0, 9, 10)]
    public void The_new_replica_set_grows_up_to_replicas_plus_surge_and_never_beyond_replicas(int replicas, int oldSize, int newSize, int want)
    {
        var newRS = Rs(newSize);
        Assert.Equal(want, RolloutMath.NewReplicaSetReplicas(D(replicas), [Rs(oldSize), newRS], newRS));
    }

    [Fact]
    public void Recreate_starts_the_new_replica_set_at_full_size()
    {
        var newRS = Rs(0);
        Assert.Equal(7, RolloutMath.NewReplicaSetReplicas(D(7, type: "Recreate"), [Rs(7), newRS], newRS));
        Assert.Equal(0, RolloutMath.MaxSurge(D(7, type: "Recreate")));
        Assert.Equal(0, RolloutMath.MaxUnavailable(D(7, type: "Recreate")));
    }

    [Theory]
    // Scaling 10 -> 20 (surge 3): max 13 -> 23; 8 of 13 gets 14 - 8 = 6.
    [InlineData(8, 13, 20, 10, 0, 6)]
    // The allowance left caps the share.
    [InlineData(8, 13, 20, 10, 7, 3)]
    // Scaling to zero removes the whole ReplicaSet.
    [InlineData(8, 13, 0, -13, 0, -8)]
    public void Proportional_shares_follow_the_max_replicas_annotation(int size, int oldMax, int newReplicas, int toAdd, int added, int want)
    {
        var d = D(newReplicas, surge: "3", unavailable: "2");
        Assert.Equal(want, RolloutMath.Proportion(Rs(size, oldMax), d, toAdd, added));
    }

    [Fact]
    public void A_rollout_is_complete_only_when_updated_total_and_available_all_equal_replicas_for_this_generation()
    {
        var d = D(3);
        Assert.True(RolloutMath.DeploymentComplete(d, new DeploymentStatus { UpdatedReplicas = 3, Replicas = 3, AvailableReplicas = 3, ObservedGeneration = 1 }));
        Assert.False(RolloutMath.DeploymentComplete(d, new DeploymentStatus { UpdatedReplicas = 3, Replicas = 4, AvailableReplicas = 3, ObservedGeneration = 1 }));
        Assert.False(RolloutMath.DeploymentComplete(d, new DeploymentStatus { UpdatedReplicas = 3, Replicas = 3, AvailableReplicas = 3, ObservedGeneration = 0 }));
    }

    [Fact]
    public void The_deadline_counts_from_the_last_update_of_the_Progressing_condition()
    {
        var d = D(3);
        d.Spec!.ProgressDeadlineSeconds = 60;
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var status = new DeploymentStatus { Conditions = [DeploymentConditions.New("Progressing", "True", "ReplicaSetUpdated", "", start)] };
        Assert.False(RolloutMath.DeploymentTimedOut(d, status, start.AddSeconds(60)));
        Assert.True(RolloutMath.DeploymentTimedOut(d, status, start.AddSeconds(61)));
        d.Spec.ProgressDeadlineSeconds = int.MaxValue;
        Assert.False(RolloutMath.DeploymentTimedOut(d, status, start.AddDays(1)));
    }
}
