using System.Collections.Concurrent;
using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Client;

namespace Axolotl.Agent.Status;

/// <summary>
/// Writes pod status through the status subresource, only when it differs from what was last written
/// (or from what the pod already carries). Retries a conflict against the newest pod.
/// <see cref="Submit"/> writes in the background, one write per pod at a time with newer statuses
/// replacing queued ones (as the kubelet's status manager), so a pod's lane never waits for the API
/// server: a crashed container is restarted while its status is still on the way. A status submitted
/// with <c>keep</c> (a crash, which watchers must see even when the restart follows within
/// milliseconds) is not replaced; the ones after it queue behind it. A write that fails (the API
/// server is away) is retried, 200 ms doubling to 2 s, until it lands or a newer status replaces it:
/// what happened while the server was gone (restart counts, probe results) is reported as soon as it is back.
/// </summary>
public sealed class PodStatusWriter(KubeClient client, TimeProvider time)
{
    private static readonly TimeSpan RetryInitial = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RetryMax = TimeSpan.FromSeconds(2);

    /// <summary>Statuses queued per pod at most: beyond it the newest replaces the last, kept or not.</summary>
    private const int MaxQueued = 3;

    private readonly ConcurrentDictionary<string, string> _written = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// Queues <paramref name="status"/> for the pod and returns a task that completes once it, and
    /// everything queued with it, has been written. <paramref name="latest"/> gives the newest pod
    /// object at write time; <paramref name="stored"/> gets the pod as written, <paramref name="gone"/>
    /// is called when the pod no longer exists.
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
                _ = Task.Run(() => DrainAsync(slot));
            }
            return done;
        }
    }

    private async Task DrainAsync(Slot slot)
    {
        var backoff = new ExponentialBackoff(RetryInitial, RetryMax);
        while (true)
        {
            Work work;
            TaskCompletionSource? done = null;
            lock (slot)
            {
                if (slot.Pending.Count == 0)
                {
                    slot.Running = false;
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
            try
            {
                work.Stored(await WriteAsync(work.Latest(), work.Status, CancellationToken.None));
                backoff.Reset();
            }
            catch (KubeApiException ex) when (ex.IsNotFound)
            {
                work.Gone();
            }
            catch (Exception ex) when (!IsPermanent(ex))
            {
                lock (slot)
                {
                    // Try again unless a newer status has been queued meanwhile (it supersedes this one).
                    if (slot.Pending.Count == 0 && !slot.Forgotten)
                    {
                        slot.Pending.Add(work);
                        slot.Done ??= done;
                        done = null;
                    }
                }
                await Task.Delay(backoff.Next(), time);
            }
            catch (Exception)
            {
                // Refused for good (invalid): the next sync computes the status afresh.
            }
            done?.TrySetResult();
        }
    }

    private sealed record Work(Func<Pod> Latest, PodStatus Status, Action<Pod> Stored, Action Gone, bool Keep);

    private sealed class Slot
    {
        public List<Work> Pending { get; } = [];

        public TaskCompletionSource? Done { get; set; }

        public bool Running { get; set; }

        /// <summary>The pod is gone from this node: stop retrying its writes.</summary>
        public bool Forgotten { get; set; }
    }

    /// <summary>Answers that another attempt of the same write cannot change (conflicts are retried inside <see cref="WriteAsync"/>).</summary>
    private static bool IsPermanent(Exception ex) => ex is KubeApiException { Code: >= 400 and < 500 and not 408 and not 429 };

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
            var update = new Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = target.Metadata,
                Spec = target.Spec,
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
                slot.Pending.Clear();
                slot.Done?.TrySetResult();
                slot.Done = null;
            }
        }
    }
}
