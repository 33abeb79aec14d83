namespace Axolotl.Controllers.Deployments;

/// <summary>How the Deployment controller runs.</summary>
public sealed record DeploymentControllerOptions
{
    /// <summary>Concurrent reconciles (upstream --concurrent-deployment-syncs defaults to 5).</summary>
    public int Workers { get; init; } = 4;
}
