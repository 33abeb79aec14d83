using System.Collections.Concurrent;
using System.Net;
using Axolotl.Agent.Pods;
using Axolotl.Agent.Status;
using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Pods;

/// <summary>
/// A container's exit reaches the node's proxy as "not ready" before the pod's lane hears of it (issue 36: in the kernel
/// proxy mode every SYN the table still sends to the dead pod is refused), and never brings back a pod already gone.
/// </summary>
public sealed class ContainerExitsReadinessTests
{
    private readonly FakeRuntime _runtime = new(new FakeTimeProvider());
    private readonly Observer _observer = new();

    [Fact]
    public async Task An_app_containers_exit_tells_not_ready_before_the_lane_is_triggered()
    {
        var reports = new ReadinessReports(_observer);
        reports.Tell("uid-1", "10.244.0.7", ready: true);
        var triggered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var toldBeforeTrigger = false;
        var exits = new ContainerExits(_runtime, NullLogger.Instance, "uid-1", uid =>
        {
            toldBeforeTrigger = _observer.Told.Contains(("uid-1", "10.244.0.7", false));
            triggered.TrySetResult(uid);
        }, CancellationToken.None, reports);
        var app = await StartAsync("app");
        var init = await StartAsync("init");
        exits.Watch("init", init);
        exits.Watch("app", app, readinessIp: "10.244.0.7");

        // An init container's exit (no readiness IP) tells nothing.
        _runtime.Exit(init, 0);
        await triggered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([("uid-1", "10.244.0.7", true)], _observer.Told);

        triggered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _runtime.Exit(app, 137);
        Assert.Equal("uid-1", await triggered.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(toldBeforeTrigger);
        Assert.Equal([("uid-1", "10.244.0.7", true), ("uid-1", "10.244.0.7", false)], _observer.Told);
        Assert.Equal(2, exits.Take().Count());
    }

    [Fact]
    public void A_late_exit_of_a_pod_never_reported_or_already_forgotten_tells_nothing()
    {
        var reports = new ReadinessReports(_observer);
        reports.TellExited("uid-new", "10.244.0.9");
        reports.Tell("uid-1", "10.244.0.7", ready: true);
        reports.Forget("uid-1");
        reports.TellExited("uid-1", "10.244.0.7");
        reports.Tell("uid-2", "10.244.0.8", ready: true);
        reports.TellExited("uid-2", "10.244.0.8");
        reports.TellExited("uid-2", "10.244.0.8");

        Assert.Equal([("uid-1", "10.244.0.7", true), ("uid-2", "10.244.0.8", true), ("uid-2", "10.244.0.8", false)], _observer.Told);
        Assert.Equal(["uid-1"], _observer.Gone);
    }

    private async Task<ContainerHandle> StartAsync(string name)
    {
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "p", "p"), CancellationToken.None);
        return await _runtime.StartAsync(sandbox, new ContainerSpec("uid-1", name, ["app"], new Dictionary<string, string>(), null, string.Empty), CancellationToken.None);
    }

    private sealed class Observer : IPodReadinessObserver
    {
        private readonly ConcurrentQueue<(string, string, bool)> _told = new();
        private readonly ConcurrentQueue<string> _gone = new();

        public IReadOnlyList<(string Uid, string Ip, bool Ready)> Told => [.. _told];

        public IReadOnlyList<string> Gone => [.. _gone];

        public void ReadinessChanged(string podUid, IPAddress podIp, bool ready) => _told.Enqueue((podUid, podIp.ToString(), ready));

        public void PodGone(string podUid) => _gone.Enqueue(podUid);
    }
}
