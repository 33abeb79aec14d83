using Axolotl.Agent.Restart;
using Axolotl.Agent.Status;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Client.Events;
using Axolotl.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Agent.Pods;

public sealed partial class PodWorker
{
    /// <summary>Grace for pods found in a checkpoint whose object no longer exists: nobody waits for them.</summary>
    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Graceful termination: preStop hooks, SIGTERM with the pod's grace period (deletionGracePeriodSeconds),
    /// sandbox removal, a final status, then the object's deletion with grace 0 and a UID
    /// precondition, which is how the API server learns that the node has finished with it.
    /// </summary>
    private async Task TerminateAsync(CancellationToken ct)
    {
        Lifecycle.Terminating();
        var grace = Lifecycle.ObjectGone && Latest.Spec is null
            ? OrphanGrace
            : TimeSpan.FromSeconds(Latest.Metadata.DeletionGracePeriodSeconds ?? Latest.Spec?.TerminationGracePeriodSeconds ?? 30);
        await WaitForEndpointRemovalAsync(grace, ct);
        await StopLiveContainersAsync(grace, ct);
        // Containers that never got to run end as waiting; the kubelet leaves them so.
        await RemoveSandboxAsync(ct);
        Lifecycle.Terminated();
        await _stop.CancelAsync();

        // The grace period may have passed meanwhile: a removal posted since decides what is left to do.
        TakeInbox();
        if (!Lifecycle.ObjectGone)
        {
            await WriteStatusAsync(ct, wait: true);
            try
            {
                await _ctx.Client.DeleteAsync<Pod>(Latest.Metadata.Namespace, Latest.Metadata.Name!, new DeleteOptions
                {
                    GracePeriodSeconds = 0,
                    Preconditions = new Preconditions { Uid = Uid },
                }, ct);
            }
            catch (KubeApiException ex) when (ex.IsNotFound || ex.IsConflict)
            {
            }
        }
        Cleanup();
    }

    /// <summary>
    /// Zero-drop deletion: SIGTERM waits until no EndpointSlice lists the pod as ready any more (the
    /// pod already reads not ready, and terminating pods leave the endpoints), so the service proxies
    /// stop sending it new connections before it starts shutting down. One list, then a watch from its
    /// revision (not a poll: many pods may be stopping at once). Bounded by
    /// <see cref="AgentOptions.EndpointDrainWait"/> and half the grace period; a pod no Service
    /// selects does not wait at all.
    /// </summary>
    private async Task WaitForEndpointRemovalAsync(TimeSpan grace, CancellationToken ct)
    {
        if (Lifecycle.ObjectGone || _live.Count == 0 || Observed.PodIp is null || Latest.Metadata.Namespace is not { } ns)
        {
            return;
        }
        var bound = grace / 2 < _ctx.Options.EndpointDrainWait ? grace / 2 : _ctx.Options.EndpointDrainWait;
        using var window = new CancellationTokenSource(bound, _ctx.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, window.Token);
        var slices = _ctx.Client.Resource<EndpointSlice>();
        // Slice name → whether it still lists this pod as ready; a slice without the pod is not kept.
        var readyIn = new Dictionary<string, bool>(StringComparer.Ordinal);
        try
        {
            await WriteStatusAsync(ct, wait: true);
            var list = await slices.ListAsync(ns, null, linked.Token);
            foreach (var slice in list.Items)
            {
                Track(readyIn, slice);
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
                            Track(readyIn, slice);
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
                await Task.Delay(_ctx.Options.EndpointPropagation, _ctx.Time, ct);
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            if (_ctx.Log.IsEnabled(LogLevel.Information))
            {
                _ctx.Log.LogInformation("pod {Uid}: still a ready endpoint after {Wait}; stopping it anyway", Uid, bound);
            }
        }
        catch (KubeApiException ex)
        {
            // Not worth holding a deletion for: stop as usual.
            _ctx.Log.LogWarning(ex, "pod {Uid}: could not check its endpoints before stopping it", Uid);
        }
    }

    private void Track(Dictionary<string, bool> readyIn, EndpointSlice slice)
    {
        var name = slice.Metadata.Name ?? "";
        var mine = (slice.Endpoints ?? []).Where(e => e.TargetRef?.Uid == Uid).ToList();
        if (mine.Count == 0)
        {
            readyIn.Remove(name);
            return;
        }
        // A missing ready condition means ready, as for the proxies.
        readyIn[name] = mine.Any(e => e.Conditions?.Ready != false);
    }

    /// <summary>
    /// Stops every running container: Killing event, preStop hook, SIGTERM, SIGKILL when
    /// <paramref name="grace"/> runs out. Sidecars get their signal after the app containers, in
    /// reverse order (<see cref="TerminationOrdering"/>).
    /// </summary>
    private async Task StopLiveContainersAsync(TimeSpan grace, CancellationToken ct)
    {
        var deadline = Now + grace;
        var containers = (Latest.Spec?.AllContainers() ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var live = _live.ToList();
        var ordering = TerminationOrdering.For(Latest.Spec, live.Select(p => p.Key).ToList());
        var stops = live.Select(async pair =>
        {
            var (name, handle) = pair;
            try
            {
                _ctx.Events.Record(Latest, EventRecorder.Normal, "Killing", $"Stopping container {name}", FieldPathOf(name));
                if (containers.GetValueOrDefault(name) is { } container)
                {
                    await RunPreStopAsync(container, handle, deadline - Now, ct);
                }
                if (ordering is not null)
                {
                    await ordering.WaitForTurnAsync(name, deadline - Now, _ctx.Time, ct);
                }
                var left = deadline - Now;
                // As the kubelet: whatever the hook and the wait used, the container gets at least 2 s after them.
                await _ctx.Runtime.StopAsync(handle, left > TimeSpan.FromSeconds(2) ? left : TimeSpan.FromSeconds(2), ct);
                var exit = await _ctx.Runtime.WaitAsync(handle, ct);
                return (name, handle, exit);
            }
            finally
            {
                ordering?.Exited(name);
            }
        }).ToList();
        foreach (var (name, handle, exit) in await Task.WhenAll(stops))
        {
            var init = Observed.InitContainers.ContainsKey(name);
            var seen = Get(name, init);
            RecordExit(name, init, seen, new ContainerTermination(
                exit.ExitCode, exit.Signal, ContainerTermination.ReasonFor(exit.ExitCode, exit.OomKilled), null, handle.StartedAt, exit.FinishedAt, handle.Id), exit.FinishedAt);
        }
    }

    private void Cleanup()
    {
        Lifecycle.Finished();
        lock (_timerLock)
        {
            _timer?.Dispose();
            _timer = null;
        }
        _stop.Dispose();
        _ctx.Restarts.ForgetPod(Uid);
        _ctx.StatusWriter.Forget(Uid);
        _ctx.Readiness.Forget(Uid);
        _ctx.Checkpoints.Delete(Uid);
        var dir = _ctx.Logs.PodDirectory(Uid);
        try
        {
            // First: a tmpfs volume still mounted would make the directory's removal fail half-way.
            _ctx.Volumes.TearDown(Uid);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException ex)
        {
            _ctx.Log.LogWarning(ex, "could not remove {Dir}", dir);
        }
    }

    /// <summary>Re-adopts what an earlier agent process started for this pod, from its checkpoint.</summary>
    private async Task RestoreAsync(CancellationToken ct)
    {
        var checkpoint = _ctx.Checkpoints.Load(Uid);
        if (checkpoint is null)
        {
            return;
        }
        Volatile.Write(ref _sandbox, checkpoint.Sandbox);
        Observed.StartTime = checkpoint.StartTime;
        Observed.SandboxReady = _sandbox is not null;
        Observed.PodIp = _sandbox is null ? null : _sandbox.Ip ?? _ctx.HostIp;
        foreach (var saved in checkpoint.Containers)
        {
            var seen = Get(saved.Name, saved.Init);
            seen.RestartCount = saved.RestartCount;
            seen.ContainerId = saved.ContainerId;
            seen.ImageId = saved.ImageId;
            seen.StartedImage = saved.StartedImage;
            seen.Terminated = saved.Terminated;
            seen.LastTermination = saved.LastTermination;
            if (saved.Handle is { } persisted)
            {
                var handle = await _ctx.Runtime.RecoverAsync(persisted, ct);
                if (handle is not null)
                {
                    _live.Set(saved.Name, handle, seen.RestartCount);
                    seen.RunningSince = handle.StartedAt;
                    _exits.Watch(saved.Name, handle);
                    var probed = saved.Init ? Latest.Spec?.InitContainers?.FirstOrDefault(c => c.Name == saved.Name && Sidecars.Is(c)) : Latest.Spec?.Containers.FirstOrDefault(c => c.Name == saved.Name);
                    if (probed is { } container)
                    {
                        StartProbes(container, handle, SeedFromStatus(saved.Name));
                    }
                    continue;
                }
                var now = Now;
                RecordExit(saved.Name, saved.Init, seen, new ContainerTermination(
                    137, null, "ContainerStatusUnknown", "The container could not be located when the agent restarted", persisted.StartedAt, now, persisted.Id), now);
            }
            else if (saved.Terminated is { } ended && Sidecars.IsSidecar(Latest.Spec, saved.Name))
            {
                _decisions[saved.Name] = _ctx.Restarts.OnExit(Uid, saved.Name, RestartPolicies.Always, ended.ExitCode, ended.StartedAt ?? ended.FinishedAt, ended.FinishedAt);
            }
            else if (saved.Terminated is { } ended2 && !(saved.Init && ended2.ExitCode == 0))
            {
                _decisions[saved.Name] = _ctx.Restarts.OnExit(Uid, saved.Name, IsEphemeral(saved.Name) ? RestartPolicies.Never : RestartPolicy, ended2.ExitCode, ended2.StartedAt ?? ended2.FinishedAt, ended2.FinishedAt, saved.Init);
            }
        }
        var log = _ctx.Log;
        if (log.IsEnabled(LogLevel.Information))
        {
            log.LogInformation("pod {Uid}: re-adopted {Count} running container(s)", Uid, _live.Count);
        }
    }
}
