using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Microsoft.Extensions.Logging;

namespace Axolotl.Scheduler.Events;

/// <summary>
/// Writes core/v1 Events about objects on behalf of one component (source.component and
/// reportingComponent; the host goes to source.host and reportingInstance), as client-go's legacy
/// recorder does: an event identical to one already written (same object, type, reason, message,
/// source) is not created again but PATCHed with count+1 and a new lastTimestamp; if that event has
/// expired meanwhile a new one is created. <see cref="Record{T}"/> never blocks the caller: events are
/// written in order by <see cref="RunAsync"/>; <see cref="RecordAsync{T}"/> writes at once.
/// Nothing in here is scheduler-specific: the node agent can use it as is.
/// </summary>
public sealed class EventRecorder
{
    private const int MaxCachedEvents = 4096;

    private readonly KubeClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Func<CancellationToken, Task>> _pending =
        Channel.CreateBounded<Func<CancellationToken, Task>>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Recorded> _recorded = new(StringComparer.Ordinal);

    public EventRecorder(KubeClient client, string component, string? host, TimeProvider time, ILogger logger)
    {
        _client = client;
        Component = component;
        Host = host;
        _time = time;
        _logger = logger;
    }

    public string Component { get; }

    public string? Host { get; }

    /// <summary>Queues an event about <paramref name="obj"/>; type is "Normal" or "Warning".</summary>
    public void Record<T>(T obj, string type, string reason, string message)
        where T : KubeObject
    {
        var reference = ReferenceTo(obj);
        _pending.Writer.TryWrite(ct => WriteAsync(reference, type, reason, message, ct));
    }

    /// <summary>Writes the event now and returns what the server stored (created or patched).</summary>
    public Task<Event> RecordAsync<T>(T obj, string type, string reason, string message, CancellationToken ct)
        where T : KubeObject =>
        WriteAsync(ReferenceTo(obj), type, reason, message, ct);

    /// <summary>Writes queued events until <paramref name="ct"/> fires; a failed write is logged and dropped.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await foreach (var write in _pending.Reader.ReadAllAsync(ct))
        {
            try
            {
                await write(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                SchedulerLog.EventFailed(_logger, e);
            }
        }
    }

    /// <summary>The involvedObject for <paramref name="obj"/>: kind and apiVersion from the registry when the object lacks them.</summary>
    public static ObjectReference ReferenceTo<T>(T obj)
        where T : KubeObject
    {
        var type = KnownResources.ForType(obj.GetType());
        return new ObjectReference
        {
            Kind = string.IsNullOrEmpty(obj.Kind) ? type.Kind : obj.Kind,
            ApiVersion = string.IsNullOrEmpty(obj.ApiVersion) ? type.ApiVersion : obj.ApiVersion,
            Namespace = obj.Metadata.Namespace,
            Name = obj.Metadata.Name,
            Uid = obj.Metadata.Uid,
            ResourceVersion = obj.Metadata.ResourceVersion,
        };
    }

    private async Task<Event> WriteAsync(ObjectReference involved, string type, string reason, string message, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var ns = string.IsNullOrEmpty(involved.Namespace) ? "default" : involved.Namespace;
        var key = string.Join('\u0000', ns, involved.Kind, involved.Name, involved.Uid, type, reason, message, Component, Host);
        Recorded? previous;
        lock (_lock)
        {
            previous = _recorded.GetValueOrDefault(key);
        }
        if (previous is not null)
        {
            var count = previous.Count + 1;
            var patch = new JsonObject
            {
                ["count"] = count,
                ["lastTimestamp"] = KubeTimeConverter.Format(now),
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
                // The event expired (TTL) or was deleted: start a new series.
            }
        }
        var name = string.Create(CultureInfo.InvariantCulture, $"{involved.Name}.{(now - DateTimeOffset.UnixEpoch).Ticks * 100:x}");
        var created = await _client.CreateAsync(new Event
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns },
            InvolvedObject = involved,
            Reason = reason,
            Message = message,
            Type = type,
            Source = new EventSource { Component = Component, Host = Host },
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            ReportingComponent = Component,
            ReportingInstance = Host ?? "",
        }, ct);
        Remember(key, new Recorded(name, 1));
        return created;
    }

    private void Remember(string key, Recorded recorded)
    {
        lock (_lock)
        {
            if (_recorded.Count >= MaxCachedEvents && !_recorded.ContainsKey(key))
            {
                // A crude bound instead of an LRU: losing the cache only means the next repeat starts a new event.
                _recorded.Clear();
            }
            _recorded[key] = recorded;
        }
    }

    private sealed record Recorded(string Name, int Count);
}
