using Axolotl.Api.FlowControl;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// One Limited priority level's seats and queues (upstream's queueset), a pure state machine under one
/// lock: no clock, no I/O. A request is dealt a hand of <c>handSize</c> queues from its flow's hash
/// (shuffle sharding) and joins the shortest; a full queue rejects it. Free seats go round robin over the
/// non-empty queues, so a flow that floods its own queues gets one turn per round, the same as a flow
/// with a single request waiting: it cannot starve the others. (Upstream orders dispatch by virtual
/// finish time; with every request one seat wide, round robin gives each busy queue the same share.)
/// A Reject level has no queues: a request runs when a seat is free and is rejected otherwise.
/// </summary>
public sealed class QueueSet
{
    private readonly Lock _lock = new();
    private int _seats;
    private QueuingConfiguration? _queuing;
    private LinkedList<Waiter>[] _queues = [];
    private int[] _executingByQueue = [];
    private int _generation;
    private int _executing;
    private int _waiting;
    private int _next;

    public QueueSet(int seats, QueuingConfiguration? queuing, SeatDemandIntegrator? demand = null)
    {
        Demand = demand;
        Reconfigure(seats, queuing);
    }

    /// <summary>Told the seats executing plus waiting at every change, for the borrowing between levels.</summary>
    public SeatDemandIntegrator? Demand { get; }

    public int Seats { get { lock (_lock) { return _seats; } } }

    public int Executing { get { lock (_lock) { return _executing; } } }

    public int Waiting { get { lock (_lock) { return _waiting; } } }

    /// <summary>Asks for a seat: runs now, waits in a queue (<see cref="Admission.Waiter"/>), or is rejected with upstream's reason.</summary>
    public Admission Enqueue(ulong flowHash)
    {
        lock (_lock)
        {
            if (_queuing is null)
            {
                if (_executing < _seats)
                {
                    _executing++;
                    NoteDemand();
                    return Admission.Run(new Ticket(-1, _generation));
                }
                return Admission.Reject(RejectReason.ConcurrencyLimit);
            }
            var queue = Shortest(flowHash);
            if (_waiting == 0 && _executing < _seats)
            {
                _executing++;
                _executingByQueue[queue]++;
                NoteDemand();
                return Admission.Run(new Ticket(queue, _generation));
            }
            if (_queues[queue].Count >= (_queuing.QueueLengthLimit ?? 1))
            {
                return Admission.Reject(RejectReason.QueueFull);
            }
            var waiter = new Waiter(flowHash);
            waiter.Node = _queues[queue].AddLast(waiter);
            _waiting++;
            Dispatch();
            NoteDemand();
            return Admission.Wait(waiter);
        }
    }

    /// <summary>Takes a waiter out of its queue (time-out, client gone); false when it was given a seat first, which the caller must then use or release.</summary>
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
            NoteDemand();
            return true;
        }
    }

    /// <summary>Gives back a seat and hands free seats to waiting requests.</summary>
    public void Release(Ticket ticket)
    {
        lock (_lock)
        {
            _executing--;
            if (ticket.Generation == _generation && ticket.Queue >= 0)
            {
                _executingByQueue[ticket.Queue]--;
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
            _queues = [.. Enumerable.Range(0, queuing?.Queues ?? 0).Select(_ => new LinkedList<Waiter>())];
            _executingByQueue = new int[_queues.Length];
            _next = 0;
            _waiting = 0;
            foreach (var waiter in waiting)
            {
                if (queuing is null)
                {
                    waiter.Node = null;
                    if (_executing < _seats)
                    {
                        _executing++;
                        waiter.Grant(new Ticket(-1, _generation));
                    }
                    else
                    {
                        waiter.Refuse();
                    }
                    continue;
                }
                waiter.Node = _queues[Shortest(waiter.FlowHash)].AddLast(waiter);
                _waiting++;
            }
            Dispatch();
            NoteDemand();
        }
    }

    private void NoteDemand() => Demand?.Set(_executing + _waiting);

    private void Dispatch()
    {
        while (_executing < _seats && _waiting > 0)
        {
            for (var i = 0; i < _queues.Length; i++)
            {
                var index = (_next + i) % _queues.Length;
                if (_queues[index].First is not { } node)
                {
                    continue;
                }
                _queues[index].RemoveFirst();
                node.Value.Node = null;
                _waiting--;
                _executing++;
                _executingByQueue[index]++;
                _next = (index + 1) % _queues.Length;
                node.Value.Grant(new Ticket(index, _generation));
                break;
            }
        }
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

    private int Load(int queue) => _queues[queue].Count + _executingByQueue[queue];
}
