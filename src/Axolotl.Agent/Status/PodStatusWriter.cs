using System.Collections.Concurrent;
using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Hosting;

namespace Axolotl.Agent.Status;

/// <summary>
/// Writes pod status through the status subresource, only when it differs from what was last written
/// (or from what the pod already carries). Retries a conflict against the newest pod.
/// <see cref="Submit"/> writes in the background, one write per pod at a time with newer statuses
/// replacing queued ones (as the kubelet's status manager), so a pod's lane never waits for the API
/// server: a crashed container is restarted while its status is still on the way. A status submitted
/// with <c>keep</c> (a crash, which watchers must see even when the restart follows within
/// milliseconds) is not replaced; the ones after it queue behind it.
/// While the API server cannot be reached the newest status of each pod is kept and retried with a
/// backoff capped at a few seconds, so the restarts done during an outage reach the API as soon as
/// it answers again, without waiting for the pod's next change. Memory stays bounded: at most
/// <see cref="MaxQueued"/> statuses per pod, the newest replacing the rest.
/// <para>
/// At most <c>maxInFlight</c> writes are on the way for the whole node (the kubelet's status manager syncs
/// one pod after another), and a pod's status is taken from its queue only when its write gets a turn: when
/// statuses change faster than the API server takes them (a burst of pods starting), a pod that goes Running
/// and then Ready while it waits is written once, with the newest status. An idle server sees every status at
/// once, as before.
/// </para>
/// </summary>
public sealed class PodStatusWriter(KubeClient client, TimeProvider time, TimeSpan initialBackoff, TimeSpan maxBackoff, int maxInFlight) : IDisposable
{
    /// <summary>Statuses queued per pod at most: beyond it the newest replaces the last, kept or not.</summary>
    private const int MaxQueued = 3;

    /// <summary>
    /// Writes on the way per node: the kubelet's status manager has one (its sync loop patches pods in turn);
    /// two keep one slow write from holding every other pod of the node back.
    /// </summary>
    public const int DefaultMaxInFlight = 2;

    private readonly ConcurrentDictionary<string, string> _written = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _turns = new(Math.Max(1, maxInFlight));
    private int _draining;

    public PodStatusWriter(KubeClient client, TimeProvider time, TimeSpan initialBackoff, TimeSpan maxBackoff)
        : this(client, time, initialBackoff, maxBackoff, DefaultMaxInFlight)
    {
    }

    public PodStatusWriter(KubeClient client)
        : this(client, TimeProvider.System, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3))
    {
    }

    /// <summary>
    /// Queues <paramref name="status"/> for the pod and returns a task that completes once it, and
    /// everything queued with it, has been written or a first attempt failed (it is then retried in
    /// the background: a waiting lane must not hang on an API server that is gone).
    /// <paramref name="latest"/> gives the newest pod object at write time; <paramref name="stored"/>
    /// gets the pod as written, <paramref name="gone"/> is called when the pod no longer exists.
    /// </summary>
    public Task Submit(string uid, Func<Pod> latest, PodStatus status, Action<Pod> stored, Action gone, bool keep = false)
    {
        var slot = _slots.GetOrAdd(uid, _ => new Slot());
        var work = new Work(latest, status, stored, gone, keep);
        lock (slot)
        {
            var queue = slot.Pending;
            if (queue.Count > 0 && (!queue[^1].Keep || queue.Count >= MaxQueued))
            {
                queue[^1] = work;
            }
            else
            {
                queue.Add(work);
            }
            slot.Done ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var done = slot.Done.Task;
            if (!slot.Running)
            {
                slot.Running = true;
                Interlocked.Increment(ref _draining);
                _ = Task.Run(() => DrainAsync(slot));
            }
            return done;
        }
    }

    /// <summary>Pods whose statuses are being written or retried now.</summary>
    public int Draining => Volatile.Read(ref _draining);

    /// <summary>Statuses waiting to be written for the pod (a retry after a failed attempt included).</summary>
    public int PendingFor(string uid)
    {
        if (!_slots.TryGetValue(uid, out var slot))
        {
            return 0;
        }
        lock (slot)
        {
            return slot.Pending.Count;
        }
    }

    private async Task DrainAsync(Slot slot)
    {
        var backoff = new ExponentialBackoff(initialBackoff, maxBackoff);
        while (true)
        {
            // The turn first, the status second: what was submitted while this pod waited replaces what it had queued.
            var turn = false;
            try
            {
                await _turns.WaitAsync(_stopping.Token);
                turn = true;
            }
            catch (OperationCanceledException)
            {
                // Stopping: the pass below drops what is queued.
            }
            Work work;
            TaskCompletionSource? done = null;
            lock (slot)
            {
                if (slot.Pending.Count == 0 || slot.Forgotten || _stopping.IsCancellationRequested)
                {
                    slot.Pending.Clear();
                    slot.Running = false;
                    Interlocked.Decrement(ref _draining);
                    slot.Done?.TrySetResult();
                    slot.Done = null;
                    if (turn)
                    {
                        _turns.Release();
                    }
                    return;
                }
                work = slot.Pending[0];
                slot.Pending.RemoveAt(0);
                if (slot.Pending.Count == 0)
                {
                    done = slot.Done;
                    slot.Done = null;
                }
            }
            var unreachable = false;
            try
            {
                work.Stored(await WriteAsync(work.Latest(), work.Status, _stopping.Token));
                backoff.Reset();
            }
            catch (KubeApiException ex) when (ex.IsNotFound)
            {
                work.Gone();
            }
            catch (Exception ex) when (ApiUnavailable.Is(ex) && !_stopping.IsCancellationRequested)
            {
                unreachable = true;
            }
            catch (Exception)
            {
                // The next sync computes and submits the status again; nothing is lost but this attempt.
            }
            finally
            {
                _turns.Release();
            }
            done?.TrySetResult();
            if (!unreachable)
            {
                continue;
            }
            lock (slot)
            {
                // Whatever was submitted meanwhile is newer and replaces this one; else it is tried again.
                // Not kept: once the server is back only the newest status matters. A forgotten pod
                // (terminated and cleaned up) has nothing left worth retrying.
                if (slot.Pending.Count == 0 && !slot.Forgotten)
                {
                    slot.Pending.Add(work with { Keep = false });
                }
            }
            try
            {
                await Task.Delay(backoff.Next(), time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the loop's next pass drops what is queued.
            }
        }
    }

    private sealed record Work(Func<Pod> Latest, PodStatus Status, Action<Pod> Stored, Action Gone, bool Keep);

    private sealed class Slot
    {
        public List<Work> Pending { get; } = [];

        public TaskCompletionSource? Done { get; set; }

        public bool Running { get; set; }

        public bool Forgotten { get; set; }
    }

    /// <summary>Writes <paramref name="status"/> for <paramref name="pod"/> if it changed; returns the pod as stored (or the input when nothing was written).</summary>
    public async Task<Pod> WriteAsync(Pod pod, PodStatus status, CancellationToken ct)
    {
        var uid = pod.Metadata.Uid ?? "";
        var json = JsonSerializer.Serialize(status, KubeJson.Options);
        if (_written.TryGetValue(uid, out var last) && last == json)
        {
            return pod;
        }
        if (pod.Status is not null && JsonSerializer.Serialize(pod.Status, KubeJson.Options) == json)
        {
            _written[uid] = json;
            return pod;
        }
        var target = pod;
        for (var attempt = 0; ; attempt++)
        {
            // The status subresource takes only status from the body (spec and the rest of metadata come from the
            // stored pod, managedFields included), so the body carries the name, the preconditions and the status:
            // a fraction of the whole pod for the server to read, with the same resourceVersion check.
            var update = new Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new ObjectMeta
                {
                    Name = target.Metadata.Name,
                    Namespace = target.Metadata.Namespace,
                    Uid = target.Metadata.Uid,
                    ResourceVersion = target.Metadata.ResourceVersion,
                },
                Status = status,
            };
            try
            {
                var stored = await client.UpdateStatusAsync(update, ct);
                _written[uid] = json;
                return stored;
            }
            catch (KubeApiException ex) when (ex.IsConflict && attempt < 3)
            {
                target = await client.GetAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!, ct);
                if (target.Metadata.Uid != pod.Metadata.Uid)
                {
                    return pod;
                }
            }
        }
    }

    public void Forget(string uid)
    {
        _written.TryRemove(uid, out _);
        if (_slots.TryRemove(uid, out var slot))
        {
            lock (slot)
            {
                slot.Forgotten = true;
            }
        }
    }

    /// <summary>Ends the retries (the agent is stopping); statuses not yet written are dropped.</summary>
    public void Dispose() => _stopping.Cancel();
}
