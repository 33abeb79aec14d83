using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Microsoft.Extensions.Logging;

namespace Axolotl.Client.Events;

/// <summary>
/// Writes core/v1 Events about objects on behalf of one component, as client-go's legacy recorder
/// does: source.component and reportingComponent are <see cref="EventRecorderOptions.Component"/>,
/// source.host and reportingInstance are <see cref="EventRecorderOptions.Host"/>. An event identical to
/// one already written (same source, object, field path, type, reason and message) is not created again
/// but PATCHed with count+1 and a new lastTimestamp, like client-go's correlator; if that Event has
/// expired meanwhile a new series starts. Similar events (one reason, ten different messages in ten minutes)
/// are combined into one series, and more than 25 events about one object are held back by a token bucket
/// that refills one every five minutes (<see cref="EventCorrelator"/>; <see cref="Filtered"/> counts them).
/// <para>
/// <see cref="Record{T}(T, string, string, string, string?)"/> never blocks: events go to a bounded queue
/// (<see cref="EventRecorderOptions.QueueCapacity"/>; when full the new event is dropped and counted in
/// <see cref="Dropped"/>) that a background writer drains, logging and dropping failed writes: one event at a
/// time, as client-go's legacy recorder (the kubelet's), or up to <see cref="EventRecorderOptions.ParallelWrites"/>
/// at once, as the events.k8s.io broadcaster (the scheduler's) writes each event on a goroutine of its own. Events
/// about one object are written in the order they were recorded either way, so a series is never created twice.
/// <see cref="FlushAsync"/> waits for what is queued; <see cref="RecordAsync{T}"/> writes at once and
/// returns what the server stored. Disposing drains the queue for at most
/// <see cref="EventRecorderOptions.DrainTimeout"/>.
/// </para>
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    private readonly KubeClient _client;
    private readonly EventRecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue;

    // Writes in flight from the queue (ParallelWrites), and per involved object the last write begun, which the
    // next write about that object waits for: look-up-then-create of a series cannot race into two Events.
    private readonly SemaphoreSlim _permits;
    private readonly Dictionary<string, Task> _lastWriteOf = new(StringComparer.Ordinal);
    // Queued events written (or failed) out of order, above _written (every event up to _written is done).
    private readonly SortedSet<long> _doneAhead = [];
    private readonly CancellationTokenSource _abandon;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly EventCorrelator _correlator;
    private readonly List<(long Upto, TaskCompletionSource Done)> _flushes = [];
    private readonly Task _loop;
    private long _queued;
    private long _written;
    private long _dropped;
    private long _filtered;
    private long _lastStamp;
    private bool _full;
    private bool _completed;
    private bool _stopped;

    public EventRecorder(KubeClient client, EventRecorderOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Component);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSeries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ParallelWrites, 1);
        _permits = new SemaphoreSlim(options.ParallelWrites, options.ParallelWrites);
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        _correlator = new EventCorrelator(options.MaxSeries);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            // Wait makes TryWrite refuse when full, which is how the newest event gets dropped without blocking.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _abandon = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _loop = Task.Run(WriteQueuedAsync);
    }

    public string Component => _options.Component;

    public string? Host => _options.Host;

    /// <summary>Events refused because the queue was full.</summary>
    public long Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Events the spam filter held back (more than its burst about one object from this recorder).</summary>
    public long Filtered
    {
        get
        {
            lock (_lock)
            {
                return _filtered;
            }
        }
    }

    /// <summary>The field path of a container inside its pod, as core/v1 ObjectReferences (and so events) name it.</summary>
    public static string ContainerFieldPath(string container, bool init) =>
        init ? $"spec.initContainers{{{container}}}" : $"spec.containers{{{container}}}";

    /// <summary>
    /// The involvedObject for <paramref name="obj"/> (or one of its fields, e.g. a container): kind and
    /// apiVersion come from the registry when the object lacks them, as list items do.
    /// </summary>
    public static ObjectReference ReferenceTo<T>(T obj, string? fieldPath = null)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = KnownResources.ForType(obj.GetType());
        return new ObjectReference
        {
            Kind = string.IsNullOrEmpty(obj.Kind) ? type.Kind : obj.Kind,
            ApiVersion = string.IsNullOrEmpty(obj.ApiVersion) ? type.ApiVersion : obj.ApiVersion,
            Namespace = obj.Metadata.Namespace,
            Name = obj.Metadata.Name,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
            FieldPath = fieldPath,
        };
    }

    /// <summary>Queues an event about <paramref name="obj"/>, or about a field of it when <paramref name="fieldPath"/> is set; type is <see cref="Normal"/> or <see cref="Warning"/>.</summary>
    public void Record<T>(T obj, string type, string reason, string message, string? fieldPath = null)
        where T : KubeObject =>
        Record(ReferenceTo(obj, fieldPath), type, reason, message);

    /// <summary>Queues an event about <paramref name="involved"/>; never blocks, and drops the event when the queue is full.</summary>
    public void Record(ObjectReference involved, string type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(involved);
        // The time is taken now, not when the writer gets to it, so a backlog does not skew timestamps.
        lock (_lock)
        {
            var pending = new Pending(involved, type, reason, message, _time.GetUtcNow(), _queued + 1);
            if (_queue.Writer.TryWrite(pending))
            {
                _queued++;
                _full = false;
                return;
            }
            if (_completed)
            {
                // Disposed: nothing will write it, and it is not a capacity problem worth reporting.
                return;
            }
            _dropped++;
            if (_full)
            {
                return;
            }
            _full = true;
        }
        // Logged once per overflow, not per dropped event, so a flood of events does not become a flood of logs.
        EventRecorderLog.QueueFull(_logger, Component, _options.QueueCapacity);
    }

    /// <summary>
    /// Writes the event now (after any write in progress) and returns what the server stored, created or patched;
    /// null when the spam filter held it back.
    /// </summary>
    public Task<Event?> RecordAsync<T>(T obj, string type, string reason, string message, CancellationToken ct)
        where T : KubeObject =>
        RecordAsync(ReferenceTo(obj), type, reason, message, ct);

    /// <inheritdoc cref="RecordAsync{T}(T, string, string, string, CancellationToken)"/>
    public Task<Event?> RecordAsync(ObjectReference involved, string type, string reason, string message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(involved);
        return WriteAsync(new Pending(involved, type, reason, message, _time.GetUtcNow(), Sequence: 0), ct);
    }

    /// <summary>Completes once every event queued before the call has been written, failed, or been abandoned by disposal.</summary>
    public Task FlushAsync(CancellationToken ct)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            if (_stopped || _written >= _queued)
            {
                return Task.CompletedTask;
            }
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushes.Add((_queued, done));
        }
        return done.Task.WaitAsync(ct);
    }

    /// <summary>Stops taking events and writes the queued ones, giving up on the rest after the drain timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }
            _completed = true;
            _queue.Writer.TryComplete();
        }
        _abandon.CancelAfter(_options.DrainTimeout);
        await _loop;
        _abandon.Dispose();
    }

    private async Task WriteQueuedAsync()
    {
        var running = new List<Task>();
        try
        {
            await foreach (var pending in _queue.Reader.ReadAllAsync(_abandon.Token))
            {
                // At most ParallelWrites in flight: with one, each write ends before the next begins.
                await _permits.WaitAsync(_abandon.Token);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(WriteQueuedAsync(pending));
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            // Disposal's drain timeout passed: what is still queued is abandoned.
        }
        finally
        {
            // The writes in flight end with the queue (or at once, when abandoned: their token is cancelled).
            await Task.WhenAll(running);
            lock (_lock)
            {
                _stopped = true;
                foreach (var (_, done) in _flushes)
                {
                    done.TrySetResult();
                }
                _flushes.Clear();
            }
        }
    }

    private async Task WriteQueuedAsync(Pending pending)
    {
        try
        {
            // Off the queue's loop at once: a write that does its first part synchronously must not hold up the next one.
            await Task.Yield();
            await WriteAsync(pending, _abandon.Token);
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            // Abandoned by disposal's drain timeout.
        }
        catch (Exception e)
        {
            // Events are best-effort, as upstream: one that cannot be written is not retried.
            EventRecorderLog.WriteFailed(_logger, e, Component, pending.Reason, pending.Involved.Name);
        }
        finally
        {
            _permits.Release();
            Written(pending.Sequence);
        }
    }

    /// <summary>Queued event number <paramref name="sequence"/> is done; flushes wait until every event before theirs is.</summary>
    private void Written(long sequence)
    {
        lock (_lock)
        {
            _doneAhead.Add(sequence);
            while (_doneAhead.Count > 0 && _doneAhead.Min == _written + 1)
            {
                _doneAhead.Remove(_written + 1);
                _written++;
            }
            for (var i = _flushes.Count - 1; i >= 0; i--)
            {
                if (_flushes[i].Upto <= _written)
                {
                    _flushes[i].Done.TrySetResult();
                    _flushes.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Writes the event once the last write about the same object ended, so one object's events keep their order.</summary>
    private async Task<Event?> WriteAsync(Pending pending, CancellationToken ct)
    {
        var key = ObjectKey(pending.Involved);
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_lock)
        {
            previous = _lastWriteOf.GetValueOrDefault(key) ?? Task.CompletedTask;
            _lastWriteOf[key] = mine.Task;
        }
        try
        {
            await previous.WaitAsync(ct);
            return await CorrelateAndWriteAsync(pending, ct);
        }
        finally
        {
            mine.TrySetResult();
            lock (_lock)
            {
                if (_lastWriteOf.TryGetValue(key, out var last) && last == mine.Task)
                {
                    _lastWriteOf.Remove(key);
                }
            }
        }
    }

    private static string ObjectKey(ObjectReference involved) =>
        involved.Uid is { Length: > 0 } uid ? uid : $"{involved.Kind}/{involved.Namespace}/{involved.Name}";

    private async Task<Event?> CorrelateAndWriteAsync(Pending pending, CancellationToken ct)
    {
        var involved = pending.Involved;
        // Cluster-scoped objects (nodes) get their events in "default", as upstream.
        var ns = string.IsNullOrEmpty(involved.Namespace) ? "default" : involved.Namespace;
        Series? previous;
        EventCorrelator.Correlation correlation;
        lock (_lock)
        {
            correlation = _correlator.Correlate(Component, Host, involved, ns, pending.Type, pending.Reason, pending.Message, pending.At);
            previous = _series.GetValueOrDefault(correlation.SeriesKey);
            if (correlation.Skip)
            {
                // Held back by the spam filter, but counted: the next write of the series carries every occurrence.
                _filtered++;
                if (previous is not null)
                {
                    _series[correlation.SeriesKey] = previous with { Count = previous.Count + 1 };
                }
                return null;
            }
        }
        var key = correlation.SeriesKey;
        var message = correlation.Message;
        if (previous is not null)
        {
            var count = previous.Count + 1;
            var patch = new JsonObject
            {
                ["count"] = count,
                ["lastTimestamp"] = KubeTimeConverter.Format(pending.At),
                ["message"] = message,
            };
            try
            {
                var patched = await _client.Resource<Event>().PatchAsync(ns, previous.Name, PatchType.StrategicMerge, patch.ToJsonString(), ct);
                Remember(key, previous with { Count = count });
                return patched;
            }
            catch (KubeApiException e) when (e.IsNotFound)
            {
                // The Event expired (TTL) or was deleted: start a new series.
            }
        }
        for (var attempt = 1; ; attempt++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{involved.Name}.{NextStamp(pending.At):x}");
            try
            {
                var created = await _client.CreateAsync(new Event
                {
                    ApiVersion = "v1",
                    Kind = "Event",
                    Metadata = new ObjectMeta { Name = name, Namespace = ns },
                    InvolvedObject = involved,
                    Reason = pending.Reason,
                    Message = message,
                    Type = pending.Type,
                    Source = new EventSource { Component = Component, Host = Host },
                    FirstTimestamp = pending.At,
                    LastTimestamp = pending.At,
                    Count = 1,
                    ReportingComponent = Component,
                    ReportingInstance = Host ?? "",
                }, ct);
                Remember(key, new Series(name, 1));
                return created;
            }
            catch (KubeApiException e) when (e.IsAlreadyExists && attempt < 3)
            {
                // Another recorder named an event about the same object at the same nanosecond; the next stamp is free.
            }
        }
    }

    /// <summary>
    /// Unix nanoseconds of <paramref name="at"/> as client-go names events, but strictly increasing per
    /// recorder so that two events in the same clock tick (or under a fake clock) get distinct names.
    /// </summary>
    private long NextStamp(DateTimeOffset at)
    {
        var nanos = (at - DateTimeOffset.UnixEpoch).Ticks * 100;
        lock (_lock)
        {
            _lastStamp = Math.Max(nanos, _lastStamp + 1);
            return _lastStamp;
        }
    }

    private void Remember(string key, Series series)
    {
        lock (_lock)
        {
            if (_series.Count >= _options.MaxSeries && !_series.ContainsKey(key))
            {
                // A crude bound instead of client-go's LRU: losing the cache only means the next repeat starts a new Event.
                _series.Clear();
            }
            _series[key] = series;
        }
    }

    /// <summary>An event to write; Sequence numbers the queued ones from 1 (0: written at once by RecordAsync).</summary>
    private sealed record Pending(ObjectReference Involved, string Type, string Reason, string Message, DateTimeOffset At, long Sequence);

    private sealed record Series(string Name, int Count);
}
