namespace Axolotl.Client.Queue;

/// <summary>
/// A FIFO of keys with client-go's workqueue guarantees: a key queued several times before a worker takes
/// it is handed out once; a key is never held by two workers at once (adding it while it is being
/// processed re-queues it when the worker calls <see cref="Done"/>); <see cref="AddAfter"/> delays an add
/// on the injected clock. After <see cref="ShutDown"/> adds are ignored and <see cref="GetAsync"/> drains
/// what is left, then reports shutdown.
/// </summary>
public class WorkQueue<T> : IDisposable
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly LinkedList<TaskCompletionSource<(T Item, bool Shutdown)>> _waiters = new();
    private readonly Dictionary<T, Delayed> _delayed = [];
    private bool _shuttingDown;

    public WorkQueue(TimeProvider time)
    {
        Time = time;
    }

    protected TimeProvider Time { get; }

    /// <summary>The queue's name in the workqueue_* metrics (client-go's Name); a queue without one records none.</summary>
    public string? Name
    {
        get => Metrics is null ? null : field;
        init
        {
            field = value;
            Metrics = value is null ? null : new WorkQueueMetrics(value, Time);
        }
    }

    private protected WorkQueueMetrics? Metrics { get; private set; }

    /// <summary>Keys waiting to be handed out (not those being processed or delayed).</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public bool ShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Keys added with a delay that has not elapsed yet.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_lock)
            {
                return _delayed.Count;
            }
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            if (_shuttingDown || !_dirty.Add(item))
            {
                return;
            }
            if (_processing.Contains(item))
            {
                // Done() puts it back; until then nobody else may work on it.
                return;
            }
            HandOutLocked(item);
        }
    }

    /// <summary>Adds the key once <paramref name="delay"/> has passed; an earlier pending delay for the same key wins.</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }
            var readyAt = Time.GetTimestamp() + (long)(delay.TotalSeconds * Time.TimestampFrequency);
            if (_delayed.TryGetValue(item, out var pending))
            {
                if (pending.ReadyAt <= readyAt)
                {
                    return;
                }
                pending.Timer.Dispose();
            }
            var entry = new Delayed(readyAt);
            _delayed[item] = entry;
            entry.Timer = Time.CreateTimer(_ => Fire(item, entry), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Waits for the next key. Returns Shutdown = true once the queue is shut down and empty.</summary>
    public Task<(T Item, bool Shutdown)> GetAsync(CancellationToken ct)
    {
        TaskCompletionSource<(T Item, bool Shutdown)> waiter;
        LinkedListNode<TaskCompletionSource<(T Item, bool Shutdown)>> node;
        // A worker whose controller lost its lease takes nothing more, even with keys waiting: each would be
        // reconciled against a cancelled token (the scheduler's queue drained 60,000 pods that way).
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_queue.TryDequeue(out var item))
            {
                _dirty.Remove(item);
                _processing.Add(item);
                Metrics?.Started(item, fromQueue: true);
                return Task.FromResult((item, false));
            }
            if (_shuttingDown)
            {
                return Task.FromResult((default(T)!, true));
            }
            waiter = new TaskCompletionSource<(T Item, bool Shutdown)>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }
        if (ct.CanBeCanceled)
        {
            var registration = ct.Register(() =>
            {
                lock (_lock)
                {
                    if (node.List is not null)
                    {
                        _waiters.Remove(node);
                    }
                }
                waiter.TrySetCanceled(ct);
            });
            _ = waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return waiter.Task;
    }

    /// <summary>Marks the key finished; if it was added meanwhile it goes back in the queue.</summary>
    public void Done(T item)
    {
        lock (_lock)
        {
            _processing.Remove(item);
            Metrics?.Done(item);
            if (_dirty.Contains(item))
            {
                HandOutLocked(item);
            }
        }
    }

    /// <summary>Stops accepting keys, drops pending delays and wakes idle waiters.</summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<(T Item, bool Shutdown)>> waiters;
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }
            _shuttingDown = true;
            Metrics?.ShutDown();
            foreach (var delayed in _delayed.Values)
            {
                delayed.Timer.Dispose();
            }
            _delayed.Clear();
            waiters = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult((default!, true));
        }
    }

    public void Dispose()
    {
        ShutDown();
        GC.SuppressFinalize(this);
    }

    private void HandOutLocked(T item)
    {
        while (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            if (first.Value.TrySetResult((item, false)))
            {
                _dirty.Remove(item);
                _processing.Add(item);
                Metrics?.Started(item, fromQueue: false);
                return;
            }
        }
        _queue.Enqueue(item);
        Metrics?.Queued(item);
    }

    private void Fire(T item, Delayed entry)
    {
        lock (_lock)
        {
            if (!_delayed.TryGetValue(item, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }
            _delayed.Remove(item);
            entry.Timer.Dispose();
        }
        Add(item);
    }

    private sealed class Delayed(long readyAt)
    {
        public long ReadyAt { get; } = readyAt;

        public ITimer Timer { get; set; } = null!;
    }
}
