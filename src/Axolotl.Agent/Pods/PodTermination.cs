using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

/// <summary>
/// The steps that end a pod's containers and the pod: the endpoint drain before SIGTERM, the stops
/// (Killing event, preStop, SIGTERM, SIGKILL after the grace period, sidecars last), the object's
/// final deletion and the removal of the pod's files. Node-wide and stateless: each pod's lane says
/// which pod and which containers, and records the exits itself.
/// </summary>
public sealed class PodTermination(PodTerminationContext ctx)
{
    private static readonly TimeSpan MinimumStopGrace = TimeSpan.FromSeconds(2);

    private DateTimeOffset Now => ctx.Time.GetUtcNow();

    /// <summary>
    /// Zero-drop deletion: SIGTERM waits until no EndpointSlice lists the pod as ready any more (the
    /// pod already reads not ready, and terminating pods leave the endpoints), so the service proxies
    /// stop sending it new connections before it starts shutting down. One list, then a watch from its
    /// revision (not a poll: many pods may be stopping at once). Bounded by
    /// <see cref="AgentOptions.EndpointDrainWait"/> and half the grace period; a pod no Service
    /// selects does not wait at all. <paramref name="statusWritten"/> writes the pod's not-ready status first.
    /// </summary>
    internal async Task WaitForEndpointRemovalAsync(string uid, Pod pod, string? podIp, TimeSpan grace, Func<CancellationToken, Task> statusWritten, CancellationToken ct)
    {
        if (podIp is null || pod.Metadata.Namespace is not { } ns)
        {
            return;
        }
        var bound = grace / 2 < ctx.EndpointDrainWait ? grace / 2 : ctx.EndpointDrainWait;
        using var window = new CancellationTokenSource(bound, ctx.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, window.Token);
        var slices = ctx.Client.Resource<EndpointSlice>();
        // Slice name → whether it still lists this pod as ready; a slice without the pod is not kept.
        var readyIn = new Dictionary<string, bool>(StringComparer.Ordinal);
        try
        {
            await statusWritten(ct);
            var list = await slices.ListAsync(ns, null, linked.Token);
            foreach (var slice in list.Items)
            {
                Track(uid, readyIn, slice);
            }
            var listed = readyIn.Count > 0;
            if (readyIn.ContainsValue(true))
            {
                await foreach (var change in slices.WatchAsync(ns, new ListOptions { ResourceVersion = list.ResourceVersion }, linked.Token))
                {
                    if (change.Type == WatchEventType.Error)
                    {
                        break;
                    }
                    if (change.Object is { } slice)
                    {
                        if (change.Type == WatchEventType.Deleted)
                        {
                            readyIn.Remove(slice.Metadata.Name ?? "");
                        }
                        else if (change.Type != WatchEventType.Bookmark)
                        {
                            Track(uid, readyIn, slice);
                            listed |= readyIn.Count > 0;
                        }
                    }
                    if (!readyIn.ContainsValue(true))
                    {
                        break;
                    }
                }
            }
            if (listed)
            {
                await Task.Delay(ctx.EndpointPropagation, ctx.Time, ct);
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            if (ctx.Log.IsEnabled(LogLevel.Information))
            {
                ctx.Log.LogInformation("pod {Uid}: still a ready endpoint after {Wait}; stopping it anyway", uid, bound);
            }
        }
        catch (KubeApiException ex)
        {
            // Not worth holding a deletion for: stop as usual.
            ctx.Log.LogWarning(ex, "pod {Uid}: could not check its endpoints before stopping it", uid);
        }
    }

    private static void Track(string uid, Dictionary<string, bool> readyIn, EndpointSlice slice)
    {
        var name = slice.Metadata.Name ?? "";
        var mine = (slice.Endpoints ?? []).Where(e => e.TargetRef?.Uid == uid).ToList();
        if (mine.Count == 0)
        {
            readyIn.Remove(name);
            return;
        }
        // A missing ready condition means ready, as for the proxies.
        readyIn[name] = mine.Any(e => e.Conditions?.Ready != false);
    }

    /// <summary>
    /// Stops the given running containers: Killing event, preStop hook, SIGTERM, SIGKILL when
    /// <paramref name="grace"/> runs out. Sidecars get their signal after the app containers, in
    /// reverse order (<see cref="TerminationOrdering"/>). Returns each one's exit for the lane to record.
    /// </summary>
    internal async Task<StoppedContainer[]> StopAllAsync(Pod pod, string? podIp, IReadOnlyList<KeyValuePair<string, ContainerHandle>> live, TimeSpan grace, CancellationToken ct)
    {
        var deadline = Now + grace;
        var containers = (pod.Spec?.AllContainers() ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var ordering = TerminationOrdering.For(pod.Spec, live.Select(p => p.Key).ToList());
        var stops = live.Select(async pair =>
        {
            var (name, handle) = pair;
            try
            {
                ctx.Events.Record(pod, EventRecorder.Normal, "Killing", $"Stopping container {name}", ContainerFieldPaths.Of(pod.Spec, name));
                if (containers.GetValueOrDefault(name) is { } container)
                {
                    await ctx.Hooks.RunPreStopAsync(pod, podIp, container, handle, deadline - Now, ct);
                }
                if (ordering is not null)
                {
                    await ordering.WaitForTurnAsync(name, deadline - Now, ctx.Time, ct);
                }
                var left = deadline - Now;
                // As the kubelet: whatever the hook and the wait used, the container gets at least 2 s after them.
                await ctx.Runtime.StopAsync(handle, left > MinimumStopGrace ? left : MinimumStopGrace, ct);
                var exit = await ctx.Runtime.WaitAsync(handle, ct);
                return new StoppedContainer(name, handle, exit);
            }
            finally
            {
                ordering?.Exited(name);
            }
        }).ToList();
        return await Task.WhenAll(stops);
    }

    /// <summary>
    /// Stops one container outside the lane (its exit arrives like any other): the preStop hook,
    /// SIGTERM, SIGKILL after <paramref name="grace"/>. <paramref name="ct"/> ends it when the pod stops.
    /// </summary>
    internal void StopInBackground(Pod pod, string? podIp, string name, ContainerHandle handle, Container? container, TimeSpan grace, CancellationToken ct) =>
        _ = Task.Run(async () =>
        {
            try
            {
                var began = ctx.Time.GetTimestamp();
                if (container is not null)
                {
                    await ctx.Hooks.RunPreStopAsync(pod, podIp, container, handle, grace, ct);
                }
                var left = grace - ctx.Time.GetElapsedTime(began);
                await ctx.Runtime.StopAsync(handle, left > MinimumStopGrace ? left : MinimumStopGrace, ct);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                ctx.Log.LogError(ex, "killing container {Container} of pod {Uid} failed", name, handle.PodUid);
            }
        }, CancellationToken.None);

    /// <summary>
    /// The object's deletion with grace 0 and a UID precondition, which is how the API server learns
    /// that the node has finished with the pod; already gone or replaced is fine.
    /// </summary>
    internal async Task DeleteObjectAsync(string uid, Pod pod, CancellationToken ct)
    {
        try
        {
            await ctx.Client.DeleteAsync<Pod>(pod.Metadata.Namespace, pod.Metadata.Name!, new DeleteOptions
            {
                GracePeriodSeconds = 0,
                Preconditions = new Preconditions { Uid = uid },
            }, ct);
        }
        catch (KubeApiException ex) when (ex.IsNotFound || ex.IsConflict)
        {
        }
    }

    /// <summary>Removes the pod's volumes and its directory (logs, attempts' roots); a failure is logged.</summary>
    internal void RemoveFiles(string uid)
    {
        var dir = ctx.Logs.PodDirectory(uid);
        try
        {
            // First: a tmpfs volume still mounted would make the directory's removal fail half-way.
            ctx.Volumes.TearDown(uid);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException ex)
        {
            ctx.Log.LogWarning(ex, "could not remove {Dir}", dir);
        }
    }
}

/// <summary>A container <see cref="PodTermination"/> stopped, and how it exited.</summary>
internal readonly record struct StoppedContainer(string Name, ContainerHandle Handle, ContainerExit Exit);
