namespace Axolotl.Controllers.EndpointSlices;

/// <summary>How the EndpointSlice controller runs.</summary>
public sealed record EndpointSliceControllerOptions
{
    /// <summary>Concurrent syncs (upstream --concurrent-service-endpoint-syncs defaults to 5).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Upstream --max-endpoints-per-slice.</summary>
    public int MaxEndpointsPerSlice { get; init; } = EndpointSliceBuilder.DefaultMaxEndpointsPerSlice;
}
