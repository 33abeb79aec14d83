using Axolotl.Api.FlowControl;
using Axolotl.ApiServer.FlowControl;

namespace Axolotl.ApiServer.Tests.FlowControl;

public sealed class QueueSetTests
{
    private static readonly ulong Flood = ShuffleSharding.FlowHash("service-accounts", "system:serviceaccount:a:flood");
    private static readonly ulong Other = ShuffleSharding.FlowHash("service-accounts", "system:serviceaccount:b:other");

    private static QueuingConfiguration Queuing(int queues = 64, int handSize = 6, int length = 1000) =>
        new() { Queues = queues, HandSize = handSize, QueueLengthLimit = length };

    [Fact]
    public void Requests_run_while_seats_are_free_and_queue_after()
    {
        var set = new QueueSet(2, Queuing());

        Assert.NotNull(set.Enqueue(Flood).Ticket);
        Assert.NotNull(set.Enqueue(Flood).Ticket);
        var third = set.Enqueue(Flood);

        Assert.NotNull(third.Waiter);
        Assert.Equal((2, 1), (set.Executing, set.Waiting));
    }

    [Fact]
    public async Task A_released_seat_goes_to_the_next_waiting_request()
    {
        var set = new QueueSet(1, Queuing());
        var first = set.Enqueue(Flood).Ticket!.Value;
        var waiter = set.Enqueue(Flood).Waiter!;

        set.Release(first);

        Assert.True(waiter.Seat.IsCompletedSuccessfully);
        Assert.NotNull(await waiter.Seat);
        Assert.Equal((1, 0), (set.Executing, set.Waiting));
    }

    [Fact]
    public async Task One_flow_flooding_does_not_starve_another()
    {
        var set = new QueueSet(1, Queuing());
        var running = set.Enqueue(Flood).Ticket!.Value;
        var flood = Enumerable.Range(0, 200).Select(_ => set.Enqueue(Flood).Waiter!).ToList();
        var other = set.Enqueue(Other).Waiter!;

        // Each release serves the next non-empty queue in turn: the flood holds at most handSize queues,
        // so the other flow's request runs within handSize + 1 releases, not after the 200 before it.
        var seated = new HashSet<Waiter>();
        var releases = 0;
        while (!other.Seat.IsCompleted && releases < 50)
        {
            set.Release(running);
            releases++;
            var next = flood.Append(other).Single(w => w.Seat.IsCompleted && !seated.Contains(w));
            seated.Add(next);
            running = (await next.Seat)!.Value;
        }

        Assert.InRange(releases, 1, 7);
        Assert.True(flood.Count(w => !w.Seat.IsCompleted) > 190);
    }

    [Fact]
    public void A_full_queue_rejects_with_queue_full()
    {
        var set = new QueueSet(1, Queuing(queues: 1, handSize: 1, length: 2));
        set.Enqueue(Flood);
        set.Enqueue(Flood);
        set.Enqueue(Flood);

        Assert.Equal(RejectReason.QueueFull, set.Enqueue(Flood).RejectedFor);
        Assert.Equal((1, 2), (set.Executing, set.Waiting));
    }

    [Fact]
    public void A_reject_level_runs_up_to_its_seats_and_rejects_the_rest_at_once()
    {
        var set = new QueueSet(2, null);

        Assert.NotNull(set.Enqueue(Flood).Ticket);
        Assert.NotNull(set.Enqueue(Other).Ticket);
        Assert.Equal(RejectReason.ConcurrencyLimit, set.Enqueue(Other).RejectedFor);
    }

    [Fact]
    public void A_cancelled_waiter_leaves_its_queue_and_a_seated_one_cannot_be_cancelled()
    {
        var set = new QueueSet(1, Queuing());
        var first = set.Enqueue(Flood).Ticket!.Value;
        var gone = set.Enqueue(Flood).Waiter!;
        var next = set.Enqueue(Other).Waiter!;

        Assert.True(set.Cancel(gone));
        set.Release(first);

        Assert.False(gone.Seat.IsCompleted);
        Assert.True(next.Seat.IsCompleted);
        Assert.False(set.Cancel(next));
        Assert.Equal((1, 0), (set.Executing, set.Waiting));
    }

    [Fact]
    public void More_seats_from_an_edited_level_let_waiting_requests_run_at_once()
    {
        var set = new QueueSet(1, Queuing());
        set.Enqueue(Flood);
        var waiting = Enumerable.Range(0, 3).Select(_ => set.Enqueue(Flood).Waiter!).ToList();

        set.Reconfigure(4, Queuing(queues: 8, handSize: 2));

        Assert.All(waiting, w => Assert.True(w.Seat.IsCompletedSuccessfully));
        Assert.Equal((4, 0, 4), (set.Executing, set.Waiting, set.Seats));
    }

    [Fact]
    public async Task A_level_changed_to_reject_refuses_what_no_longer_fits()
    {
        var set = new QueueSet(1, Queuing());
        set.Enqueue(Flood);
        var waiter = set.Enqueue(Flood).Waiter!;

        set.Reconfigure(1, null);

        Assert.True(waiter.Seat.IsCompleted);
        Assert.Null(await waiter.Seat);
    }

    [Fact]
    public void A_hand_is_distinct_queues_from_the_deck_and_the_same_for_the_same_flow()
    {
        var hand = ShuffleSharding.Deal(Flood, 128, 6);

        Assert.Equal(6, hand.Distinct().Count());
        Assert.All(hand, q => Assert.InRange(q, 0, 127));
        Assert.Equal(hand, ShuffleSharding.Deal(Flood, 128, 6));
        Assert.Equal([0, 1, 2, 3], ShuffleSharding.Deal(Other, 4, 4).Order());
    }
}
