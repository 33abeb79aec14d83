using Axolotl.Api.FlowControl;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// One Limited priority level's seats and queues (upstream's queueset), a pure state machine under one lock: no
/// clock, no I/O. A request asks for as many seats as its work estimate says (a LIST of many objects several, most
/// requests one) and holds them all until it is released. It is dealt a hand of <c>handSize</c> queues from its
/// flow's hash (shuffle sharding) and joins the one with the fewest seats waiting and executing; a full queue (in
/// requests) rejects it. Free seats go to the queue whose head would finish first in seats dispatched (start-time fair
/// queuing by seats, upstream's virtual finish time without durations): a flow of wide LISTs gets the same seats per
/// round as a flow of one-seat writes, not the same number of requests, and flooding its own queues gets it no more.
/// As upstream, the chosen request waits for its seats rather than be overtaken by narrower ones, and a request wider
/// than the level's whole limit runs only when nothing else executes there.
/// A Reject level has no queues: a request runs when its seats are free and is rejected otherwise.
/// </summary>
public sealed class QueueSet
{
    private readonly Lock _lock = new();
    private int _seats;
    private QueuingConfiguration? _queuing;
    private LinkedList<Waiter>[] _queues = [];
    private int[] _seatsInUseByQueue = [];
    private int[] _seatsWaitingByQueue = [];
    // Where each queue's next request starts in seats dispatched (its virtual start), and how far dispatching has come
    // (the latest start dispatched): a queue that was idle resumes from there.
    private long[] _virtualStart = [];
    private long _round;
    private int _generation;
    private int _executing;
    private int _seatsInUse;
    private int _waiting;
    private int _seatsWaiting;
    private int _next;

    public QueueSet(int seats, QueuingConfiguration? queuing, SeatDemandIntegrator? demand = null)
    {
        Demand = demand;
        Reconfigure(seats, queuing);
    }

    /// <summary>Told the seats executing plus waiting at every change, for the borrowing between levels.</summary>
    public SeatDemandIntegrator? Demand { get; }

    public int Seats { get { lock (_lock) { return _seats; } } }

    /// <summary>Requests executing.</summary>
    public int Executing { get { lock (_lock) { return _executing; } } }

    /// <summary>Seats those requests hold.</summary>
    public int SeatsInUse { get { lock (_lock) { return _seatsInUse; } } }

    /// <summary>Requests waiting in the queues.</summary>
    public int Waiting { get { lock (_lock) { return _waiting; } } }

    /// <summary>Seats those requests ask for.</summary>
    public int SeatsWaiting { get { lock (_lock) { return _seatsWaiting; } } }

    /// <summary>Asks for <paramref name="width"/> seats: runs now, waits in a queue (<see cref="Admission.Waiter"/>), or is rejected with upstream's reason.</summary>
    public Admission Enqueue(ulong flowHash, int width = 1)
    {
        width = Math.Max(1, width);
        lock (_lock)
        {
            if (_queuing is null)
            {
                if (CanAccommodate(width))
                {
                    Seat(-1, width);
                    NoteDemand();
                    return Admission.Run(new Ticket(-1, _generation, width));
                }
                return Admission.Reject(RejectReason.ConcurrencyLimit);
            }
            var queue = Shortest(flowHash);
            if (_waiting == 0 && CanAccommodate(width))
            {
                Resume(queue);
                Charge(queue, width);
                Seat(queue, width);
                NoteDemand();
                return Admission.Run(new Ticket(queue, _generation, width));
            }
            if (_queues[queue].Count >= (_queuing.QueueLengthLimit ?? 1))
            {
                return Admission.Reject(RejectReason.QueueFull);
            }
            var waiter = new Waiter(flowHash, width);
            Join(waiter, queue);
            Dispatch();
            NoteDemand();
            return Admission.Wait(waiter);
        }
    }

    /// <summary>Takes a waiter out of its queue (time-out, client gone); false when it was given seats first, which the caller must then use or release.</summary>
    public bool Cancel(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is not { } list)
            {
                return false;
            }
            list.Remove(waiter.Node);
            waiter.Node = null;
            _waiting--;
            _seatsWaiting -= waiter.Width;
            _seatsWaitingByQueue[waiter.Queue] -= waiter.Width;
            NoteDemand();
            return true;
        }
    }

    /// <summary>Gives back a request's seats and hands free seats to waiting requests.</summary>
    public void Release(Ticket ticket)
    {
        lock (_lock)
        {
            _executing--;
            _seatsInUse -= ticket.Seats;
            if (ticket.Generation == _generation && ticket.Queue >= 0)
            {
                _seatsInUseByQueue[ticket.Queue] -= ticket.Seats;
            }
            Dispatch();
            NoteDemand();
        }
    }

    /// <summary>A new current limit from the borrowing adjustment: queues stay as they are, freed seats go to waiters.</summary>
    public void SetSeats(int seats)
    {
        lock (_lock)
        {
            _seats = Math.Max(seats, 0);
            Dispatch();
        }
    }

    /// <summary>
    /// Applies a changed PriorityLevelConfiguration: new seats at once; waiting requests are dealt into
    /// the new queues (a level that now rejects runs those that fit and rejects the rest).
    /// </summary>
    public void Reconfigure(int seats, QueuingConfiguration? queuing)
    {
        lock (_lock)
        {
            var waiting = _queues.SelectMany(q => q).ToList();
            var sameQueues = queuing is not null && _queuing is not null && queuing.Queues == _queuing.Queues && queuing.HandSize == _queuing.HandSize;
            _seats = Math.Max(seats, 0);
            _queuing = queuing;
            if (sameQueues)
            {
                Dispatch();
                NoteDemand();
                return;
            }
            _generation++;
            var count = queuing?.Queues ?? 0;
            _queues = [.. Enumerable.Range(0, count).Select(_ => new LinkedList<Waiter>())];
            _seatsInUseByQueue = new int[count];
            _seatsWaitingByQueue = new int[count];
            _virtualStart = new long[count];
            _round = 0;
            _next = 0;
            _waiting = 0;
            _seatsWaiting = 0;
            foreach (var waiter in waiting)
            {
                waiter.Node = null;
                if (queuing is null)
                {
                    if (CanAccommodate(waiter.Width))
                    {
                        Seat(-1, waiter.Width);
                        waiter.Grant(new Ticket(-1, _generation, waiter.Width));
                    }
                    else
                    {
                        waiter.Refuse();
                    }
                    continue;
                }
                Join(waiter, Shortest(waiter.FlowHash));
            }
            Dispatch();
            NoteDemand();
        }
    }

    private void NoteDemand() => Demand?.Set(_seatsInUse + _seatsWaiting);

    // Upstream's rule: a request fits in the free seats, or, wider than the whole limit, runs alone.
    private bool CanAccommodate(int width) => width > _seats ? _seats > 0 && _executing == 0 : _seatsInUse + width <= _seats;

    private void Seat(int queue, int width)
    {
        _executing++;
        _seatsInUse += width;
        if (queue >= 0)
        {
            _seatsInUseByQueue[queue] += width;
        }
    }

    private void Join(Waiter waiter, int queue)
    {
        if (_queues[queue].Count == 0)
        {
            Resume(queue);
        }
        waiter.Queue = queue;
        waiter.Node = _queues[queue].AddLast(waiter);
        _waiting++;
        _seatsWaiting += waiter.Width;
        _seatsWaitingByQueue[queue] += waiter.Width;
    }

    // A queue that gets a request while it has none waiting starts from now: idleness banks no credit.
    private void Resume(int queue) => _virtualStart[queue] = Math.Max(_virtualStart[queue], _round);

    // A request dispatched moves its queue on by its seats, and the round on to where it started.
    private void Charge(int queue, int width)
    {
        _round = Math.Max(_round, _virtualStart[queue]);
        _virtualStart[queue] += width;
    }

    private void Dispatch()
    {
        while (_waiting > 0)
        {
            var index = FirstToFinish();
            var waiter = _queues[index].First!.Value;
            if (!CanAccommodate(waiter.Width))
            {
                return;
            }
            _queues[index].RemoveFirst();
            waiter.Node = null;
            _waiting--;
            _seatsWaiting -= waiter.Width;
            _seatsWaitingByQueue[index] -= waiter.Width;
            Charge(index, waiter.Width);
            Seat(index, waiter.Width);
            _next = (index + 1) % _queues.Length;
            waiter.Grant(new Ticket(index, _generation, waiter.Width));
        }
    }

    // The non-empty queue whose head would finish first in seats; ties go round robin from the last one served.
    private int FirstToFinish()
    {
        var best = -1;
        var bestFinish = long.MaxValue;
        for (var i = 0; i < _queues.Length; i++)
        {
            var index = (_next + i) % _queues.Length;
            if (_queues[index].First is not { } head)
            {
                continue;
            }
            var finish = _virtualStart[index] + head.Value.Width;
            if (finish < bestFinish)
            {
                best = index;
                bestFinish = finish;
            }
        }
        return best;
    }

    private int Shortest(ulong flowHash)
    {
        var best = -1;
        foreach (var queue in ShuffleSharding.Deal(flowHash, _queues.Length, _queuing!.HandSize ?? 1))
        {
            if (best < 0 || Load(queue) < Load(best))
            {
                best = queue;
            }
        }
        return best;
    }

    private int Load(int queue) => _seatsWaitingByQueue[queue] + _seatsInUseByQueue[queue];
}
