namespace Axolotl.ApiServer.FlowControl;

/// <summary>A request waiting in a <see cref="QueueSet"/> for its seats: its task completes with them, or with null when a reconfiguration refused it.</summary>
public sealed class Waiter(ulong flowHash, int width = 1)
{
    private readonly TaskCompletionSource<Ticket?> _seat = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ulong FlowHash { get; } = flowHash;

    /// <summary>The seats it asks for (its work estimate's maximum).</summary>
    public int Width { get; } = Math.Max(1, width);

    /// <summary>Where it waits; null once it left the queue (seated, refused or cancelled). Guarded by the queue set's lock.</summary>
    internal LinkedListNode<Waiter>? Node { get; set; }

    /// <summary>The index of the queue it waits in. Guarded by the queue set's lock.</summary>
    internal int Queue { get; set; }

    public Task<Ticket?> Seat => _seat.Task;

    internal void Grant(Ticket ticket) => _seat.TrySetResult(ticket);

    internal void Refuse() => _seat.TrySetResult(null);
}

/// <summary>Seats held: how many, which queue they were dispatched from, in which configuration of the queue set.</summary>
public readonly record struct Ticket(int Queue, int Generation, int Seats = 1);

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
