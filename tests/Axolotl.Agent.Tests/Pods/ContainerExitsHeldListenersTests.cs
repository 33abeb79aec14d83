using System.Collections.Concurrent;
using Axolotl.Agent.Pods;
using Axolotl.Runtime;
using Axolotl.Runtime.Fake;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Agent.Tests.Pods;

/// <summary>
/// A container's exit releases the node's held listeners of its pod (drained and closed, ADR 0030) before the pod's lane
/// hears of it, so the lane's own restart (not at once) binds its port.
/// </summary>
public sealed class ContainerExitsHeldListenersTests
{
    private readonly FakeRuntime _runtime = new(new FakeTimeProvider());

    private sealed class Recording : IHeldListeners
    {
        public ConcurrentQueue<string> Exits { get; } = new();

        public bool Holds(string podUid) => true;

        public void Exited(string podUid) => Exits.Enqueue(podUid);
    }

    [Fact]
    public async Task An_exit_releases_the_pods_held_listeners_before_the_lane_is_triggered()
    {
        var held = new Recording();
        var triggered = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exits = new ContainerExits(_runtime, NullLogger.Instance, "uid-1", _ => triggered.TrySetResult(held.Exits.Count), CancellationToken.None)
        {
            HeldListeners = held,
        };
        var app = await StartAsync("app");
        exits.Watch("app", app, readinessIp: "10.244.0.7");

        _runtime.Exit(app, 137);

        Assert.Equal(1, await triggered.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["uid-1"], held.Exits);
        Assert.Single(exits.Take());
    }

    private async Task<ContainerHandle> StartAsync(string name)
    {
        var sandbox = await _runtime.CreateSandboxAsync(new PodSandboxSpec("uid-1", "default", "p", "p"), CancellationToken.None);
        return await _runtime.StartAsync(sandbox, new ContainerSpec("uid-1", name, ["app"], new Dictionary<string, string>(), null, string.Empty), CancellationToken.None);
    }
}
