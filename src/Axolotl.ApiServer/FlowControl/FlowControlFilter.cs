using Axolotl.ApiServer.FlowControl.WorkEstimation;
using Axolotl.ApiServer.Security.Rbac;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// API Priority and Fairness (upstream's WithPriorityAndFairness): every request that is not
/// long-running is classified by the FlowSchemas into a priority level and a flow, answered with the
/// X-Kubernetes-PF-* headers naming both, priced in seats by the <see cref="WorkEstimator"/>, and then runs at once
/// (Exempt), takes its seats, waits in its level's queues, or gets 429. A write whose event goes to many watches keeps
/// its seats a few milliseconds after it answered (upstream's additional latency); watches are counted for that.
/// A request waits at most a quarter of its deadline (?timeout=, else upstream's 60 s default, so 15 s), never more
/// than a minute.
/// </summary>
public sealed class FlowControlFilter(FlowControlConfigCache config, FlowControlMetrics metrics, WorkEstimator estimator, TimeProvider clock) : IRequestLimiter
{
    public const string FlowSchemaUidHeader = "X-Kubernetes-PF-FlowSchema-UID";
    public const string PriorityLevelUidHeader = "X-Kubernetes-PF-PriorityLevel-UID";

    private static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);

    public async Task ServeAsync(HttpContext ctx, AuthorizationRequest request, Func<Task> next)
    {
        if (LongRunningRequests.Is(request))
        {
            using var watch = estimator.Watches.Register(request, ctx.Request.Query["fieldSelector"].ToString());
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
        var estimate = estimator.Estimate(request, ctx.Request.Query, classification.Level.MaxSeats);
        var width = estimate.MaxSeats;
        metrics.Estimated(classification, width);
        var admission = queues.Enqueue(classification.FlowHash, width);
        var ticket = admission.Ticket;
        if (admission.Waiter is { } waiter)
        {
            metrics.Waiting(classification, 1, width);
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
                metrics.Waiting(classification, -1, width);
            }
        }
        if (admission.RejectedFor is { } reason || ticket is not { } seat)
        {
            metrics.Rejected(classification, admission.RejectedFor ?? RejectReason.ConcurrencyLimit);
            await TooManyRequests.WriteAsync(ctx, 1);
            return;
        }
        metrics.Executing(classification, 1, seat.Seats);
        try
        {
            await next();
        }
        finally
        {
            if (estimate.AdditionalLatency > TimeSpan.Zero)
            {
                _ = ReleaseAfterAsync(classification, queues, seat, estimate.AdditionalLatency);
            }
            else
            {
                Release(classification, queues, seat);
            }
        }
    }

    // The final phase: the events the write caused are still going out to its watchers; the client has its answer.
    private async Task ReleaseAfterAsync(Classification classification, QueueSet queues, Ticket seat, TimeSpan delay)
    {
        await Task.Delay(delay, clock);
        Release(classification, queues, seat);
    }

    private void Release(Classification classification, QueueSet queues, Ticket seat)
    {
        metrics.Executing(classification, -1, seat.Seats);
        queues.Release(seat);
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
