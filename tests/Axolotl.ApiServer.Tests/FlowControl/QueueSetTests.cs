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
    public async Task A_wide_request_holds_all_its_seats_until_released()
    {
        var set = new QueueSet(10, Queuing());
        var list = set.Enqueue(Flood, width: 8).Ticket!.Value;
        var narrow = set.Enqueue(Other, width: 2).Ticket!.Value;
        var waiter = set.Enqueue(Other, width: 1).Waiter!;

        Assert.Equal((2, 10, 1, 1), (set.Executing, set.SeatsInUse, set.Waiting, set.SeatsWaiting));
        set.Release(narrow);
        Assert.Equal(9, (await waiter.Seat)!.Value.Seats + list.Seats);
        set.Release(list);
        Assert.Equal((1, 1, 0, 0), (set.Executing, set.SeatsInUse, set.Waiting, set.SeatsWaiting));
    }

    [Fact]
    public void The_request_next_in_turn_waits_for_its_seats_rather_than_be_overtaken()
    {
        // One queue per flow, two flows in different queues.
        var set = new QueueSet(10, Queuing(queues: 2, handSize: 1));
        var narrowFlow = ShuffleSharding.FlowHash("s", "narrow");
        var wideFlow = Enumerable.Range(0, 100).Select(i => ShuffleSharding.FlowHash("s", $"wide-{i}"))
            .First(h => ShuffleSharding.Deal(h, 2, 1).First() != ShuffleSharding.Deal(narrowFlow, 2, 1).First());
        var running = set.Enqueue(narrowFlow, width: 9).Ticket!.Value;
        var wide = set.Enqueue(wideFlow, width: 8).Waiter!;
        var narrow = set.Enqueue(narrowFlow, width: 1).Waiter!;

        // One seat is free, enough for the narrow request, but the wide one finishes first in seats (its flow has had
        // none yet) and goes first: the narrow one does not overtake it.
        Assert.False(wide.Seat.IsCompleted || narrow.Seat.IsCompleted);
        set.Release(running);
        Assert.True(wide.Seat.IsCompletedSuccessfully);
        Assert.True(narrow.Seat.IsCompletedSuccessfully);
        Assert.Equal(9, set.SeatsInUse);
    }

    [Fact]
    public async Task A_request_wider_than_the_level_runs_alone()
    {
        var set = new QueueSet(4, Queuing());
        var running = set.Enqueue(Other).Ticket!.Value;
        var wide = set.Enqueue(Flood, width: 10).Waiter!;

        Assert.False(wide.Seat.IsCompleted);
        set.Release(running);
        var seat = (await wide.Seat)!.Value;
        var after = set.Enqueue(Other).Waiter!;

        Assert.Equal((1, 10), (set.Executing, set.SeatsInUse));
        Assert.False(after.Seat.IsCompleted);
        set.Release(seat);
        Assert.True(after.Seat.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_reject_level_runs_a_request_wider_than_itself_only_when_idle()
    {
        var idle = new QueueSet(4, null);
        var busy = new QueueSet(4, null);
        busy.Enqueue(Other);

        Assert.NotNull(idle.Enqueue(Flood, width: 10).Ticket);
        Assert.Equal(RejectReason.ConcurrencyLimit, busy.Enqueue(Flood, width: 10).RejectedFor);
        Assert.Equal(RejectReason.ConcurrencyLimit, busy.Enqueue(Flood, width: 4).RejectedFor);
        Assert.NotNull(busy.Enqueue(Flood, width: 3).Ticket);
    }

    [Fact]
    public async Task Two_busy_flows_get_the_same_seats_whatever_their_requests_widths()
    {
        var set = new QueueSet(10, Queuing());
        var flows = new[] { (Hash: Flood, Width: 10), (Hash: Other, Width: 1) };
        var waiting = new Dictionary<Waiter, int>();
        var granted = new int[2];
        var running = new Queue<Ticket>();
        for (var f = 0; f < 2; f++)
        {
            for (var i = 0; i < 300; i++)
            {
                var admission = set.Enqueue(flows[f].Hash, flows[f].Width);
                if (admission.Ticket is { } ticket)
                {
                    running.Enqueue(ticket);
                }
                else
                {
                    waiting[admission.Waiter!] = f;
                }
            }
        }

        // Release the oldest request again and again; count the seats each flow is given from its queues.
        for (var step = 0; step < 200 && running.Count > 0; step++)
        {
            set.Release(running.Dequeue());
            foreach (var (waiter, flow) in waiting.Where(w => w.Key.Seat.IsCompleted).ToList())
            {
                var ticket = (await waiter.Seat)!.Value;
                granted[flow] += ticket.Seats;
                running.Enqueue(ticket);
                waiting.Remove(waiter);
            }
        }

        // Round robin by requests would give the wide flow ten seats for each of the narrow one's.
        Assert.InRange((double)granted[0] / granted[1], 0.8, 1.25);
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
