namespace Axolotl.ApiServer.FlowControl;

/// <summary>A request waiting in a <see cref="QueueSet"/>: its task completes with a seat, or with null when a reconfiguration refused it.</summary>
public sealed class Waiter(ulong flowHash)
{
    private readonly TaskCompletionSource<Ticket?> _seat = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ulong FlowHash { get; } = flowHash;

    /// <summary>Where it waits; null once it left the queue (seated, refused or cancelled). Guarded by the queue set's lock.</summary>
    internal LinkedListNode<Waiter>? Node { get; set; }

    public Task<Ticket?> Seat => _seat.Task;

    internal void Grant(Ticket ticket) => _seat.TrySetResult(ticket);

    internal void Refuse() => _seat.TrySetResult(null);
}

/// <summary>A seat held: which queue it was dispatched from, in which configuration of the queue set.</summary>
public readonly record struct Ticket(int Queue, int Generation);

/// <summary>Upstream's reasons in apiserver_flowcontrol_rejected_requests_total.</summary>
public static class RejectReason
{
    public const string QueueFull = "queue-full";
    public const string ConcurrencyLimit = "concurrency-limit";
    public const string TimeOut = "time-out";
    public const string Cancelled = "cancelled";
}

/// <summary>What <see cref="QueueSet.Enqueue"/> decided: run now with a ticket, wait, or be rejected for a reason.</summary>
public readonly record struct Admission(Ticket? Ticket, Waiter? Waiter, string? RejectedFor)
{
    public static Admission Run(Ticket ticket) => new(ticket, null, null);

    public static Admission Wait(Waiter waiter) => new(null, waiter, null);

    public static Admission Reject(string reason) => new(null, null, reason);
}
