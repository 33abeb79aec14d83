using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Axolotl.Api.Core;
using Axolotl.Client;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Events;

/// <summary>
/// Posts core/v1 Events as the kubelet does (source component "kubelet", host = node name) without
/// blocking the caller. A repeat of the same (object, reason, message, type) bumps count and
/// lastTimestamp on the existing Event instead of creating another, like client-go's correlator.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
    private const int MaxCorrelated = 4096;

    private readonly KubeClient _client;
    private readonly string _host;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Channel<EventRecord> _queue = Channel.CreateUnbounded<EventRecord>(new() { SingleReader = true });
    private readonly ConcurrentDictionary<string, (string Name, string Namespace, int Count, DateTimeOffset First)> _seen = new();
    private readonly Task _loop;
    private int _pending;
    private long _sequence;

    public EventRecorder(KubeClient client, string host, TimeProvider time, ILogger log, string component = "kubelet")
    {
        _client = client;
        _host = host;
        _time = time;
        _log = log;
        Component = component;
        _loop = Task.Run(RunAsync);
    }

    public string Component { get; }

    /// <summary>Records an event about a pod, or about one of its containers when <paramref name="fieldPath"/> is set.</summary>
    public void Record(Pod pod, string type, string reason, string message, string? fieldPath = null)
    {
        var reference = new ObjectReference
        {
            Kind = "Pod",
            ApiVersion = "v1",
            Namespace = pod.Metadata.Namespace,
            Name = pod.Metadata.Name,
            Uid = pod.Metadata.Uid,
            ResourceVersion = pod.Metadata.ResourceVersion,
            FieldPath = fieldPath,
        };
        Record(reference, type, reason, message);
    }

    public void Record(ObjectReference involved, string type, string reason, string message)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(new EventRecord(involved, type, reason, message, _time.GetUtcNow())))
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>The field path of a container inside its pod, as events name it.</summary>
    public static string ContainerFieldPath(string container, bool init) =>
        init ? $"spec.initContainers{{{container}}}" : $"spec.containers{{{container}}}";

    /// <summary>Completes once every event recorded so far has been posted (or failed).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        while (Volatile.Read(ref _pending) > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), _time, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        await foreach (var record in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await PostAsync(record);
            }
            catch (Exception ex)
            {
                _log.LogWarning(ex, "could not post event {Reason} for {Name}", record.Reason, record.Involved.Name);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private async Task PostAsync(EventRecord record)
    {
        var ns = string.IsNullOrEmpty(record.Involved.Namespace) ? "default" : record.Involved.Namespace;
        var key = string.Join('\u0001', record.Involved.Uid, record.Involved.FieldPath, record.Type, record.Reason, record.Message);
        if (_seen.TryGetValue(key, out var previous))
        {
            var count = previous.Count + 1;
            var patch = $$"""{"count":{{count.ToString(CultureInfo.InvariantCulture)}},"lastTimestamp":"{{Format(record.At)}}"}""";
            try
            {
                await _client.PatchAsync<Event>(previous.Namespace, previous.Name, PatchType.Merge, patch, CancellationToken.None);
                _seen[key] = previous with { Count = count };
                return;
            }
            catch (KubeApiException ex) when (ex.IsNotFound)
            {
                _seen.TryRemove(key, out _);
            }
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"{record.Involved.Name}.{(record.At.ToUnixTimeMilliseconds() * 1_000_000 + Interlocked.Increment(ref _sequence) % 1_000_000):x}");
        var ev = new Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new() { Name = name, Namespace = ns },
            InvolvedObject = record.Involved,
            Reason = record.Reason,
            Message = record.Message,
            Type = record.Type,
            Source = new EventSource { Component = Component, Host = _host },
            FirstTimestamp = record.At,
            LastTimestamp = record.At,
            Count = 1,
            ReportingComponent = Component,
            ReportingInstance = _host,
        };
        await _client.CreateAsync(ev, CancellationToken.None);
        if (_seen.Count >= MaxCorrelated)
        {
            // Like client-go's LRU of 4096: forgetting only means the next repeat makes a new Event.
            _seen.Clear();
        }
        _seen[key] = (name, ns, 1, record.At);
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record EventRecord(ObjectReference Involved, string Type, string Reason, string Message, DateTimeOffset At);
}
