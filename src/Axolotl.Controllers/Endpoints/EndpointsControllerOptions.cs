namespace Axolotl.Controllers.Endpoints;

/// <summary>How the Endpoints controller runs.</summary>
public sealed record EndpointsControllerOptions
{
    /// <summary>Concurrent syncs (upstream --concurrent-endpoint-syncs defaults to 5).</summary>
    public int Workers { get; init; } = 4;
}
