using Axolotl.ApiServer.Security.Rbac;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Upstream's WithMaxInFlightLimit, used with --enable-priority-and-fairness=false: two independent
/// limits, read-only (get, list, watch) and mutating; a request beyond its kind's limit gets 429 at once
/// (no queuing), except system:masters, who always get an answer. A limit of 0 means no limit.
/// Long-running requests are not counted.
/// </summary>
public sealed class MaxInFlightLimiter(int maxReadOnly, int maxMutating) : IRequestLimiter
{
    private int _readOnly;
    private int _mutating;

    public async Task ServeAsync(HttpContext ctx, AuthorizationRequest request, Func<Task> next)
    {
        if (LongRunningRequests.Is(request))
        {
            await next();
            return;
        }
        var mutating = request.Verb is not ("get" or "list" or "watch");
        var limit = mutating ? maxMutating : maxReadOnly;
        if (limit <= 0)
        {
            await next();
            return;
        }
        ref var inFlight = ref mutating ? ref _mutating : ref _readOnly;
        if (Interlocked.Increment(ref inFlight) > limit && !request.User.IsMaster)
        {
            Interlocked.Decrement(ref inFlight);
            await TooManyRequests.WriteAsync(ctx, 1);
            return;
        }
        try
        {
            await next();
        }
        finally
        {
            Interlocked.Decrement(ref mutating ? ref _mutating : ref _readOnly);
        }
    }
}
