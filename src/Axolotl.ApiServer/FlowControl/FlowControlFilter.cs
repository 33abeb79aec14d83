using Axolotl.ApiServer.Security.Rbac;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// API Priority and Fairness (upstream's WithPriorityAndFairness): every request that is not
/// long-running is classified by the FlowSchemas into a priority level and a flow, answered with the
/// X-Kubernetes-PF-* headers naming both, and then runs at once (Exempt), takes a seat, waits in its
/// level's queues, or gets 429. A request waits at most a quarter of its deadline (?timeout=, else
/// upstream's 60 s default, so 15 s), never more than a minute.
/// </summary>
public sealed class FlowControlFilter(FlowControlConfigCache config, FlowControlMetrics metrics, TimeProvider clock) : IRequestLimiter
{
    public const string FlowSchemaUidHeader = "X-Kubernetes-PF-FlowSchema-UID";
    public const string PriorityLevelUidHeader = "X-Kubernetes-PF-PriorityLevel-UID";

    private static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);

    public async Task ServeAsync(HttpContext ctx, AuthorizationRequest request, Func<Task> next)
    {
        if (LongRunningRequests.Is(request))
        {
            await next();
            return;
        }
        var classification = config.Current.Classify(RequestDigest.Of(request)) ?? new Classification("catch-all", "", config.Fallback, 0);
        ctx.Response.Headers[FlowSchemaUidHeader] = classification.FlowSchemaUid;
        ctx.Response.Headers[PriorityLevelUidHeader] = classification.Level.Uid;
        if (classification.Level.Queues is not { } queues)
        {
            classification.Level.ExemptExecuting(1);
            try
            {
                await next();
            }
            finally
            {
                classification.Level.ExemptExecuting(-1);
            }
            return;
        }
        var admission = queues.Enqueue(classification.FlowHash);
        var ticket = admission.Ticket;
        if (admission.Waiter is { } waiter)
        {
            metrics.Waiting(classification, 1);
            try
            {
                ticket = await waiter.Seat.WaitAsync(WaitLimit(ctx), clock, ctx.RequestAborted);
                admission = ticket is null ? Admission.Reject(RejectReason.ConcurrencyLimit) : admission;
            }
            catch (TimeoutException)
            {
                // Given a seat in the same instant it timed out: run rather than waste the seat.
                ticket = queues.Cancel(waiter) ? null : await waiter.Seat;
                admission = ticket is null ? Admission.Reject(RejectReason.TimeOut) : admission;
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                if (!queues.Cancel(waiter) && await waiter.Seat is { } granted)
                {
                    queues.Release(granted);
                }
                metrics.Rejected(classification, RejectReason.Cancelled);
                return;
            }
            finally
            {
                metrics.Waiting(classification, -1);
            }
        }
        if (admission.RejectedFor is { } reason || ticket is not { } seat)
        {
            metrics.Rejected(classification, admission.RejectedFor ?? RejectReason.ConcurrencyLimit);
            await TooManyRequests.WriteAsync(ctx, 1);
            return;
        }
        metrics.Executing(classification, 1);
        try
        {
            await next();
        }
        finally
        {
            metrics.Executing(classification, -1);
            queues.Release(seat);
        }
    }

    private static TimeSpan WaitLimit(HttpContext ctx)
    {
        var timeout = DefaultRequestTimeout;
        if (ctx.Request.Query.TryGetValue("timeout", out var value) && Api.Meta.GoDuration.TryParse(value.ToString(), out var parsed, out _) && parsed > TimeSpan.Zero)
        {
            timeout = parsed;
        }
        return timeout / 4 > MaxWait ? MaxWait : timeout / 4;
    }
}
