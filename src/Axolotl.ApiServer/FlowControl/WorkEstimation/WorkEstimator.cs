using Axolotl.ApiServer.Security.Rbac;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>
/// Prices a request in seats before it is queued, as upstream's work estimator: a LIST by the objects it reads
/// (<see cref="ListWorkEstimator"/>), a create, update, patch or delete by the watches its event goes to
/// (<see cref="MutatingWorkEstimator"/>), anything else one seat. Each level caps what one request may take
/// (<see cref="PriorityLevelState.MaxSeats"/>).
/// </summary>
public sealed class WorkEstimator(ObjectCountTracker counts, WatchTracker watches, WorkEstimatorOptions options)
{
    private readonly ListWorkEstimator _list = new(counts, options);
    private readonly MutatingWorkEstimator _mutating = new(options);

    public WorkEstimatorOptions Options => options;

    public WatchTracker Watches => watches;

    public WorkEstimate Estimate(AuthorizationRequest request, IQueryCollection query, int levelMaxSeats)
    {
        if (!request.IsResourceRequest)
        {
            return new WorkEstimate(options.MinimumSeats);
        }
        return request.Verb switch
        {
            "list" => _list.Estimate(Qualified(request), ListQuery.From(query), levelMaxSeats),
            "create" or "update" or "patch" or "delete" => _mutating.Estimate(watches.InterestedWatches(request),
                request is { Group: "", Resource: "serviceaccounts", Subresource: "token" }, levelMaxSeats),
            _ => new WorkEstimate(options.MinimumSeats),
        };
    }

    private static string Qualified(AuthorizationRequest request) => request.Group.Length == 0 ? request.Resource : $"{request.Resource}.{request.Group}";
}
