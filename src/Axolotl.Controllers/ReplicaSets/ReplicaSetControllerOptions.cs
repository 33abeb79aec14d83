namespace Axolotl.Controllers.ReplicaSets;

/// <summary>How a ReplicaSet or ReplicationController controller runs.</summary>
public sealed record ReplicaSetControllerOptions
{
    /// <summary>Concurrent reconciles (upstream --concurrent-replicaset-syncs defaults to 5).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>At most this many pods are created or deleted by one sync (upstream BurstReplicas).</summary>
    public int BurstReplicas { get; init; } = 500;

    /// <summary>How long unobserved creates and deletes hold back further ones (upstream ExpectationsTimeout).</summary>
    public TimeSpan ExpectationsTimeout { get; init; } = ControllerExpectations.DefaultTimeout;
}
