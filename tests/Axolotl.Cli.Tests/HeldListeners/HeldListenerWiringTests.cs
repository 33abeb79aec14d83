using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Axolotl.Commands;
using Axolotl.Proxy.Drain;
using Axolotl.Testing;
using Microsoft.Extensions.Logging;

namespace Axolotl.Cli.Tests.HeldListeners;

/// <summary>
/// The node's held listeners between its runtime, agent and proxy (ADR 0030, issue 36), on a fake clock: fakes for the
/// three, a recording fake in place of pidfd_getfd, and real processes for the containers (the wiring walks /proc for the
/// app under each launcher and tells a dead one by pid and start time). The reconcile loop runs; the test moves its time.
/// </summary>
public sealed class HeldListenerWiringTests : IAsyncLifetime
{
    private static readonly HeldPort WebA = new("default", "web-a", IPAddress.Parse("10.244.0.4"), 8080);
    private static readonly HeldPort WebB = new("default", "web-b", IPAddress.Parse("10.244.0.5"), 8080);

    private readonly FakeTimeProvider _clock = new();
    private readonly FakeHeldListenerRuntime _runtime = new();
    private readonly FakeHeldListenerNode _node = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<TestContainer> _containers = [];
    // Apps that listen now, and every take asked for: (pid, port, whether the pod was disarmed at the time).
    private readonly ConcurrentDictionary<int, bool> _listening = new();
    private readonly ConcurrentQueue<(int Pid, int Port, bool Disarmed)> _takes = new();
    private readonly ConcurrentQueue<(int Pid, FakeListener Listener)> _taken = new();
    private readonly ConcurrentDictionary<int, string> _uidOfApp = new();
    private readonly HeldListenerWiring _wiring;

    public HeldListenerWiringTests()
    {
        _wiring = new HeldListenerWiring(_runtime, _clock, _logs.CreateLogger("held"), take: Take);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _wiring.DisposeAsync();
        foreach (var container in _containers)
        {
            container.Dispose();
        }
    }

    private sealed class FakeListener(int port) : IHeldListener
    {
        public int Port { get; } = port;

        public bool Closed { get; private set; }

        public IReadOnlyList<Socket> Drain(int limit, CancellationToken ct) => [];

        public void Dispose() => Closed = true;
    }

    private (IHeldListener?, bool) Take(int pid, int port)
    {
        _takes.Enqueue((pid, port, _uidOfApp.TryGetValue(pid, out var uid) && _runtime.IsDisarmed(uid)));
        if (!_listening.ContainsKey(pid))
        {
            return (null, false);
        }
        var listener = new FakeListener(port);
        _taken.Enqueue((pid, listener));
        return (listener, false);
    }

    private async Task<TestContainer> RunAsync(string uid, HeldPort port, bool listening)
    {
        var container = await TestContainer.StartAsync();
        _containers.Add(container);
        _uidOfApp[container.App] = uid;
        if (listening)
        {
            _listening[container.App] = true;
        }
        _node.Runs(uid, port, container);
        return container;
    }

    private async Task StartHoldingAsync(int held)
    {
        _wiring.Start(_node, CancellationToken.None);
        await Eventually.TrueAsync(() => _wiring.Count == held, $"{held} duplicates held", () => $"{_wiring.Count} held");
    }

    private Task NextPassInAsync(TimeSpan due) =>
        Eventually.TrueAsync(() => _clock.NextDue == due, $"the next pass due in {due.TotalMilliseconds} ms", () => $"next due {_clock.NextDue}", TimeSpan.FromSeconds(10));

    [Fact]
    public async Task After_a_release_the_replacements_listener_is_taken_at_the_first_short_retries_not_a_second_later()
    {
        _node.Want(WebA);
        var first = await RunAsync("uid-a", WebA, listening: true);
        await StartHoldingAsync(1);

        await first.KillAppAsync();
        var replacement = await RunAsync("uid-a", WebA, listening: false);
        _runtime.ExitHeard!("uid-a", "app");

        // Released, drained and closed before the hook returned.
        var (released, dead) = Assert.Single(_node.Relayed);
        Assert.True(((FakeListener)released).Closed);
        Assert.Equal(new IPEndPoint(WebA.Address, WebA.Port), dead);
        Assert.Equal(0, _wiring.Count);
        // The replacement's app is not listening yet at the pass the release woke, nor 10 ms later.
        await NextPassInAsync(TimeSpan.FromMilliseconds(10));
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        await NextPassInAsync(TimeSpan.FromMilliseconds(20));

        _listening[replacement.App] = true;
        _clock.Advance(TimeSpan.FromMilliseconds(20));

        await Eventually.TrueAsync(() => _wiring.Count == 1, "the replacement's listener held 30 ms after the release", () => $"next due {_clock.NextDue}", TimeSpan.FromSeconds(10));
        Assert.Equal(replacement.App, _taken.Last().Pid);
        Assert.Contains(_logs.Entries, e => e.Message.Contains("replacement's listener held 30 ms after its app's exit", StringComparison.Ordinal));
        Assert.Null(_clock.NextDue);
    }

    [Fact]
    public async Task A_desired_port_whose_app_never_listens_is_tried_once_a_second_not_faster()
    {
        _node.Want(WebA);
        var container = await RunAsync("uid-a", WebA, listening: false);
        _wiring.Start(_node, CancellationToken.None);

        await NextPassInAsync(TimeSpan.FromSeconds(1));
        var tried = _takes.Count;
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(tried, _takes.Count);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => _takes.Count == tried + 1, "one more take a second later");
        await NextPassInAsync(TimeSpan.FromSeconds(1));

        Assert.All(_takes, t => Assert.Equal((container.App, 8080), (t.Pid, t.Port)));
        Assert.Equal(0, _wiring.Count);
    }

    [Fact]
    public async Task The_proxys_ports_are_read_again_on_its_changes_not_at_every_retry()
    {
        _node.Want(WebA, WebB);
        var first = await RunAsync("uid-a", WebA, listening: true);
        await RunAsync("uid-b", WebB, listening: false);
        await StartHoldingAsync(1);
        await first.KillAppAsync();
        await RunAsync("uid-a", WebA, listening: false);
        _runtime.ExitHeard!("uid-a", "app");
        await NextPassInAsync(TimeSpan.FromMilliseconds(10));
        foreach (var ms in new[] { 10, 20, 40, 80, 100 })
        {
            await NextPassInAsync(TimeSpan.FromMilliseconds(ms));
            _clock.Advance(TimeSpan.FromMilliseconds(ms));
        }
        await NextPassInAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, _node.DesiredReads);

        _node.Want(WebB);
        _node.Changed!();

        await Eventually.TrueAsync(() => _node.DesiredReads == 2, "the ports read again after the proxy's change");
        // web-a is no longer desired: nothing released waits, so web-b's app is tried once a second.
        await NextPassInAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task The_pod_is_disarmed_before_its_first_take_and_held_from_then_on()
    {
        _node.Want(WebA);
        var container = await RunAsync("uid-a", WebA, listening: true);
        Assert.False(_wiring.Holds("uid-a"));

        await StartHoldingAsync(1);

        var take = Assert.Single(_takes);
        Assert.Equal((container.App, 8080, true), take);
        Assert.True(_wiring.Holds("uid-a"));
        Assert.False(_wiring.Holds("uid-b"));
    }

    [Fact]
    public async Task A_change_of_the_proxys_ports_is_reconciled_at_once_and_a_port_no_longer_desired_is_closed()
    {
        var a = await RunAsync("uid-a", WebA, listening: true);
        await RunAsync("uid-b", WebB, listening: true);
        await StartHoldingAsync(0);

        _node.Want(WebA, WebB);
        _node.Changed!();
        await Eventually.TrueAsync(() => _wiring.Count == 2, "both held without the clock moving");

        _node.Want(WebB);
        _node.Changed!();
        await Eventually.TrueAsync(() => _wiring.Count == 1, "web-a's duplicate closed");
        Assert.True(_taken.Single(t => t.Pid == a.App).Listener.Closed);
        Assert.Empty(_node.Relayed);
    }

    [Fact]
    public async Task An_exit_of_a_pod_with_nothing_held_or_unknown_to_the_agent_is_a_no_op()
    {
        _node.Want(WebA, WebB);
        await RunAsync("uid-a", WebA, listening: true);
        await RunAsync("uid-b", WebB, listening: false);
        await StartHoldingAsync(1);
        await NextPassInAsync(TimeSpan.FromSeconds(1));
        var tried = _takes.Count;

        _runtime.ExitHeard!("uid-b", "app");
        _runtime.ExitHeard!("uid-unknown", "app");
        _wiring.Exited("uid-b");

        Assert.Empty(_node.Relayed);
        Assert.Equal(1, _wiring.Count);
        Assert.False(_taken.Single().Listener.Closed);
        // No release, so no fast retries: the pass after the exits still tries web-b's never-listening app once a second.
        _node.Changed!();
        await Eventually.TrueAsync(() => _takes.Count == tried + 1, "a pass after the exits");
        await NextPassInAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task An_exit_of_a_held_pod_whose_held_app_still_runs_releases_nothing()
    {
        _node.Want(WebA);
        await RunAsync("uid-a", WebA, listening: true);
        await StartHoldingAsync(1);

        // Another container of the pod (a sidecar) exited; the app that was taken from is alive.
        _runtime.ExitHeard!("uid-a", "sidecar");

        Assert.Empty(_node.Relayed);
        Assert.Equal(1, _wiring.Count);
        Assert.False(_taken.Single().Listener.Closed);
    }

    [Fact]
    public async Task Dispose_closes_every_duplicate_and_unhooks_the_runtime_and_the_proxy()
    {
        _node.Want(WebA, WebB);
        await RunAsync("uid-a", WebA, listening: true);
        await RunAsync("uid-b", WebB, listening: true);
        await StartHoldingAsync(2);

        await _wiring.DisposeAsync();

        Assert.Equal(2, _taken.Count);
        Assert.All(_taken, t => Assert.True(t.Listener.Closed));
        Assert.Equal(0, _wiring.Count);
        Assert.Null(_runtime.ExitHeard);
        Assert.Null(_node.Changed);
        Assert.Empty(_node.Relayed);
    }
}
