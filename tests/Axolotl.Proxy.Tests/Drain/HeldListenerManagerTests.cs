using System.Net;
using System.Net.Sockets;
using Axolotl.Proxy.Drain;

namespace Axolotl.Proxy.Tests.Drain;

/// <summary>The set of duplicates the agent holds, with a recording fake in place of pidfd_getfd (ADR 0030).</summary>
public sealed class HeldListenerManagerTests
{
    private static readonly HeldPort WebA = new("default", "web-a", IPAddress.Parse("10.244.0.4"), 8080);
    private static readonly HeldPort WebA9090 = WebA with { Port = 9090 };
    private static readonly HeldPort WebB = new("default", "web-b", IPAddress.Parse("10.244.0.5"), 8080);

    private sealed class FakeListener(int port) : IHeldListener
    {
        public int Port { get; } = port;

        public bool Closed { get; private set; }

        public IReadOnlyList<Socket> Drain(int limit, CancellationToken ct) => [];

        public void Dispose() => Closed = true;
    }

    private sealed class Kernel
    {
        public Dictionary<string, int[]> Pids { get; } = new() { ["web-a"] = [100, 101], ["web-b"] = [200] };

        /// <summary>(pid, port) a process listens on.</summary>
        public HashSet<(int, int)> Listening { get; } = [(101, 8080), (101, 9090), (200, 8080)];

        public HashSet<int> Refusing { get; } = [];

        public List<(int Pid, int Port)> Takes { get; } = [];

        public List<FakeListener> Taken { get; } = [];

        public HeldListenerManager Manager() => new(p => Pids.TryGetValue(p.Pod, out var pids) ? pids : [], Take);

        private (IHeldListener?, bool) Take(int pid, int port)
        {
            Takes.Add((pid, port));
            if (Refusing.Contains(pid))
            {
                return (null, true);
            }
            if (!Listening.Contains((pid, port)))
            {
                return (null, false);
            }
            var listener = new FakeListener(port);
            Taken.Add(listener);
            return (listener, false);
        }
    }

    [Fact]
    public void Each_desired_port_is_taken_from_the_pods_process_that_listens_there_once()
    {
        var kernel = new Kernel();
        using var manager = kernel.Manager();
        manager.Reconcile(new HashSet<HeldPort> { WebA, WebA9090, WebB });
        manager.Reconcile(new HashSet<HeldPort> { WebA, WebA9090, WebB });

        Assert.Equal(3, manager.Count);
        Assert.Equal([(100, 8080), (100, 9090), (101, 8080), (101, 9090), (200, 8080)], kernel.Takes.Order());
        Assert.All(kernel.Taken, l => Assert.False(l.Closed));
    }

    [Fact]
    public void A_port_no_longer_desired_is_closed_and_a_port_not_listened_on_yet_is_tried_again()
    {
        var kernel = new Kernel();
        kernel.Listening.Remove((200, 8080));
        using var manager = kernel.Manager();
        manager.Reconcile(new HashSet<HeldPort> { WebA, WebB });
        Assert.False(manager.IsHeld(WebB));

        kernel.Listening.Add((200, 8080));
        manager.Reconcile(new HashSet<HeldPort> { WebB });

        Assert.True(manager.IsHeld(WebB));
        Assert.False(manager.IsHeld(WebA));
        Assert.True(Assert.Single(kernel.Taken, l => l.Port == 8080 && l.Closed).Closed);
        Assert.Equal(2, kernel.Takes.Count(t => t.Pid == 200));
    }

    [Fact]
    public void A_process_that_refuses_ptrace_holds_nothing_and_is_not_asked_again_until_its_pid_changes()
    {
        var kernel = new Kernel();
        kernel.Refusing.Add(200);
        using var manager = kernel.Manager();
        manager.Reconcile(new HashSet<HeldPort> { WebB });
        manager.Reconcile(new HashSet<HeldPort> { WebB });
        Assert.Equal(0, manager.Count);
        Assert.Single(kernel.Takes, t => t.Pid == 200);

        // The container restarted as another process: asked once more.
        kernel.Pids["web-b"] = [201];
        kernel.Listening.Add((201, 8080));
        manager.Reconcile(new HashSet<HeldPort> { WebB });
        Assert.True(manager.IsHeld(WebB));
    }

    [Fact]
    public void Release_hands_over_only_that_pods_duplicates_and_the_next_reconcile_takes_the_replacements()
    {
        var kernel = new Kernel();
        using var manager = kernel.Manager();
        var desired = new HashSet<HeldPort> { WebA, WebA9090, WebB };
        manager.Reconcile(desired);

        var released = manager.Release("default", "web-a");
        Assert.Equal([8080, 9090], released.Select(r => r.Listener.Port).Order());
        Assert.All(released, r => Assert.False(((FakeListener)r.Listener).Closed));
        Assert.Equal(1, manager.Count);

        manager.Reconcile(desired);
        Assert.Equal(3, manager.Count);
        Assert.Equal(5, kernel.Taken.Count);
    }

    [Fact]
    public void An_exit_releases_only_the_duplicates_whose_process_is_gone()
    {
        var kernel = new Kernel();
        kernel.Pids["web-a"] = [100, 101, 102];
        kernel.Listening.Remove((101, 9090));
        kernel.Listening.Add((102, 9090));
        using var manager = kernel.Manager();
        manager.Reconcile(new HashSet<HeldPort> { WebA, WebA9090, WebB });
        Assert.True(manager.HoldsAny("default", "web-a"));

        // A sidecar (pid 102, port 9090) lives on while the app (pid 101, port 8080) died.
        var released = manager.Release("default", "web-a", pid => pid == 101);

        var (port, listener) = Assert.Single(released);
        Assert.Equal(WebA, port);
        Assert.False(((FakeListener)listener).Closed);
        Assert.True(manager.IsHeld(WebA9090));
        Assert.True(manager.IsHeld(WebB));
        Assert.Empty(manager.Release("default", "web-a", pid => pid == 101));
        Assert.False(manager.HoldsAny("default", "web-c"));
    }

    [Fact]
    public void The_agents_stop_closes_every_duplicate_and_takes_none_after()
    {
        var kernel = new Kernel();
        var manager = kernel.Manager();
        manager.Reconcile(new HashSet<HeldPort> { WebA, WebB });
        manager.Dispose();

        Assert.All(kernel.Taken, l => Assert.True(l.Closed));
        manager.Reconcile(new HashSet<HeldPort> { WebA, WebB });
        Assert.Equal(0, manager.Count);
        Assert.Equal(2, kernel.Taken.Count);
    }
}
