using Axolotl.Api.Discovery;

namespace Axolotl.Controllers.EndpointSlices;

/// <summary>
/// What one sync writes: slices to create (generateName set, no name), to update (copies carrying
/// the cached resourceVersion) and to delete. Empty lists mean the slices already match.
/// </summary>
public sealed record SlicePlan(IReadOnlyList<EndpointSlice> Create, IReadOnlyList<EndpointSlice> Update, IReadOnlyList<EndpointSlice> Delete)
{
    public bool IsEmpty => Create.Count == 0 && Update.Count == 0 && Delete.Count == 0;
}
