using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Proxy.Balancing;
using Axolotl.Proxy.Conntrack;
using Axolotl.Proxy.Drain;
using Axolotl.Proxy.Forwarding;
using Axolotl.Proxy.Routing;
using Axolotl.Proxy.Standby;
using Axolotl.Proxy.Tests.Standby;
using Axolotl.Runtime;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Axolotl.Proxy.Tests.Drain;

/// <summary>
/// <see cref="HeldListener"/> in a real kernel (issue 36, ADR 0030): an app (python3) listens inside a network namespace
/// and never accepts, so the connections clients make from this side wait in its accept queue, as they do in a busy
/// pod's; then it is SIGKILLed.
/// </summary>
[Collection(StandbyNamespace.Collection)]
public sealed class HeldListenerKernelTests(ITestOutputHelper output)
{
    private const int Port = 8080;

    [RootFact]
    public async Task Without_a_held_duplicate_the_apps_death_resets_every_queued_connection()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        using var app = await StartAppAsync(ns);
        var clients = await ConnectAsync(ns, 3);
        Kill(app);

        foreach (var client in clients)
        {
            var error = await Assert.ThrowsAsync<SocketException>(() => Standby.TestConnections.ReadToEndAsync(client));
            Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
            client.Dispose();
        }
    }

    [RootFact]
    public async Task A_held_duplicate_keeps_the_killed_apps_queue_and_its_requests_then_frees_the_port_when_closed()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        using var app = await StartAppAsync(ns);
        using var held = HeldListener.TryTake(app.Id, Port);
        Assert.NotNull(held);
        var clients = await ConnectAsync(ns, 5);
        Kill(app);
        // A SYN that comes after the death still queues: the socket listens as long as the duplicate is open.
        clients.Add(await ConnectOneAsync(ns, clients.Count));
        // The replacement could not bind while the duplicate listens (SO_REUSEADDR or not)...
        Assert.Equal(SocketError.AddressAlreadyInUse, await BindInsideAsync(ns));

        var drained = Stopwatch.StartNew();
        var accepted = held.Drain(limit: 100, CancellationToken.None);
        var drainTook = drained.Elapsed;
        held.Dispose();
        output.WriteLine($"drained {accepted.Count} connections in {drainTook.TotalMilliseconds:F3} ms, closed the duplicate {(drained.Elapsed - drainTook).TotalMilliseconds:F3} ms later");

        // ...and binds at once after the close: with SO_REUSEADDR, as any server that survives its own restart sets it (the
        // drained connections, like the dead app's TIME_WAIT sockets, still hold the port).
        Assert.Equal(SocketError.Success, await BindInsideAsync(ns));
        Assert.Equal(clients.Count, accepted.Count);
        var requests = new List<string>();
        foreach (var connection in accepted)
        {
            using (connection)
            {
                var buffer = new byte[64];
                var read = await connection.ReceiveAsync(buffer, SocketFlags.None);
                var request = Encoding.ASCII.GetString(buffer, 0, read);
                requests.Add(request);
                await connection.SendAsync(Encoding.ASCII.GetBytes("answered " + request), SocketFlags.None);
                connection.Shutdown(SocketShutdown.Both);
            }
        }
        Assert.Equal(Enumerable.Range(0, clients.Count).Select(Request).Order(StringComparer.Ordinal), requests.Order(StringComparer.Ordinal));
        for (var i = 0; i < clients.Count; i++)
        {
            Assert.Equal("answered " + Request(i), await Standby.TestConnections.ReadToEndAsync(clients[i]));
            clients[i].Dispose();
        }
    }

    [RootFact]
    public async Task A_dual_stack_listener_is_taken_and_drained_as_well()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        using var app = await StartAppAsync(ns, dualStack: true);
        using var held = HeldListener.TryTake(app.Id, Port);
        Assert.NotNull(held);
        var client = await ConnectOneAsync(ns, 0);
        Kill(app);

        var taken = Assert.Single(held.Drain(limit: 10, CancellationToken.None));
        using (taken)
        {
            var buffer = new byte[64];
            Assert.Equal(Request(0), Encoding.ASCII.GetString(buffer, 0, await taken.ReceiveAsync(buffer, SocketFlags.None)));
        }
        client.Dispose();
    }

    [RootFact]
    public async Task A_drain_takes_no_more_than_its_limit_and_the_close_resets_the_rest()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        using var app = await StartAppAsync(ns);
        var held = HeldListener.TryTake(app.Id, Port);
        Assert.NotNull(held);
        var clients = await ConnectAsync(ns, 4);
        Kill(app);

        var accepted = held.Drain(limit: 1, CancellationToken.None);
        held.Dispose();
        var taken = Assert.Single(accepted);
        using (taken)
        {
            var buffer = new byte[64];
            var read = await taken.ReceiveAsync(buffer, SocketFlags.None);
            await taken.SendAsync(Encoding.ASCII.GetBytes("answered " + Encoding.ASCII.GetString(buffer, 0, read)), SocketFlags.None);
            taken.Shutdown(SocketShutdown.Both);
        }
        var answered = 0;
        var reset = 0;
        foreach (var client in clients)
        {
            try
            {
                Assert.StartsWith("answered GET /", await Standby.TestConnections.ReadToEndAsync(client), StringComparison.Ordinal);
                answered++;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                reset++;
            }
            client.Dispose();
        }
        Assert.Equal((1, clients.Count - 1), (answered, reset));
        Assert.Throws<ObjectDisposedException>(() => held.Drain(1, CancellationToken.None));
    }

    [RootFact]
    public async Task Nothing_is_taken_from_a_port_the_process_does_not_listen_on_past_the_bound_or_from_a_gone_process()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        using var app = await StartAppAsync(ns);
        Assert.Null(HeldListener.TryTake(app.Id, Port + 1));
        // A bound on the sockets looked at: with none allowed, nothing is found.
        Assert.Null(HeldListener.TryTake(app.Id, Port, maxSockets: 0));
        Kill(app);
        Assert.Null(HeldListener.TryTake(app.Id, Port));
    }

    [RootFact]
    public async Task A_process_that_kept_a_copy_and_keeps_clearing_O_NONBLOCK_cannot_make_a_drain_outlast_its_token()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        // The app forks a child that keeps the listener and clears O_NONBLOCK on it in a loop (the open file, shared with
        // the duplicate): an accept that loses that race blocks on an empty queue until the token shuts the listener down.
        using var app = await StartAppAsync(ns, hostileChild: true);
        var child = int.Parse((await app.StandardOutput.ReadLineAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var held = HeldListener.TryTake(app.Id, Port);
            Assert.NotNull(held);
            var clients = await ConnectAsync(ns, 2);
            Kill(app);

            var bound = TimeSpan.FromMilliseconds(100);
            var drained = 0;
            var longest = TimeSpan.Zero;
            var rounds = 0;
            var clock = Stopwatch.StartNew();
            // Enough empty-queue drains for the child to win its race, or until it has (the listener is shut down then).
            while (rounds < 2000 && longest < bound)
            {
                using var token = new CancellationTokenSource(bound);
                var started = clock.Elapsed;
                var accepted = held.Drain(limit: 10, token.Token);
                var took = clock.Elapsed - started;
                longest = took > longest ? took : longest;
                drained += accepted.Count;
                foreach (var connection in accepted)
                {
                    connection.Dispose();
                }
                rounds++;
            }
            output.WriteLine($"{rounds} drains, {drained} connections, the longest {longest.TotalMilliseconds:F1} ms (bound {bound.TotalMilliseconds} ms)");
            Assert.Equal(clients.Count, drained);
            Assert.True(longest < TimeSpan.FromSeconds(2), $"a drain took {longest}");
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            using var hostile = Process.GetProcessById(child);
            hostile.Kill();
            await hostile.WaitForExitAsync();
        }
    }

    [RootFact]
    public async Task The_manager_holds_a_desired_pods_listener_from_its_process_and_the_agents_stop_frees_the_port()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        using var app = await StartAppAsync(ns);
        var port = new HeldPort("default", "web-a", ns.NodeAddress, Port);
        var manager = new HeldListenerManager(p => p == port ? [app.Id] : []);
        try
        {
            manager.Reconcile(new HashSet<HeldPort> { port, port with { Pod = "web-b" } });
            Assert.True(manager.IsHeld(port));
            Assert.Equal(1, manager.Count);
            Kill(app);
            Assert.Equal(SocketError.AddressAlreadyInUse, await BindInsideAsync(ns));
        }
        finally
        {
            manager.Dispose();
        }
        Assert.Equal(SocketError.Success, await BindInsideAsync(ns));
    }

    [RootFact]
    public async Task The_killed_apps_queued_connections_are_relayed_to_another_endpoint_of_the_frontend_each_client_reached_and_the_port_is_free_after()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        using var app = await StartAppAsync(ns);
        // Endpoint B, alive, on this side of the veth; the dead pod A is the app in the namespace (the node).
        using var b = new TcpListener(ns.HostAddress, 0);
        b.Start();
        using var stop = new CancellationTokenSource();
        var answering = AnswerAsync(b.Server, "B", stop.Token);
        var dead = new IPEndPoint(ns.NodeAddress, Port);
        var frontend = new IPEndPoint(ns.NodeAddress, 30080);
        RoutingSnapshot Snapshot(params RouteEndpoint[] endpoints) => StandbySnapshots.Build(
            ($"{frontend}", Transport.Tcp, FrontendKind.NodePort, StandbySnapshots.Route("shop", "web", "", externalLocal: false, endpoints)));
        var a = StandbySnapshots.Ready(dead.Address.ToString(), dead.Port);
        // The table sends the frontend's connections to A only, so they all queue in the app's accept queue.
        var (code, errors) = await ns.NftAsync(StandbyTable.Script(StandbyTable.TableName("axlhltest"), Snapshot(a), ProxyMode.Nftables));
        Assert.True(code == 0, $"nft refused the table: {errors}");
        using var held = HeldListener.TryTake(app.Id, Port);
        Assert.NotNull(held);
        var clients = new List<Socket>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await ConnectOneAsync(ns, i, frontend));
        }
        // One client dialled the pod's address itself: it reached no Service, so it is reset, never sent to B.
        var direct = await ConnectOneAsync(ns, 9, dead);
        Kill(app);

        // The EndpointSlice still lists A (the agent acts before it changes), and B beside it.
        var after = Snapshot(a, StandbySnapshots.Ready(ns.HostAddress.ToString(), ((IPEndPoint)b.LocalEndpoint).Port));
        var forwarder = new Forwarder(() => after, new EndpointPicker(BalancingMode.RoundRobin, TimeProvider.System), new ConnectionRegistry(),
            new ForwarderOptions(16, 3, TimeSpan.FromSeconds(1), 4096, ReplayLimit: 4096), TimeProvider.System, NullLogger.Instance);
        var drained = new DrainedConnections(() => after, () => StandbyTable.KernelFrontends(after, ProxyMode.Nftables), new InsideConntrack(ns),
            forwarder.HandleAsync, () => 16);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var (relayed, reset) = await drained.RelayAsync(held, dead, bound.Token, stop.Token);

        Assert.Equal((4, 1), (relayed, reset));
        // The held duplicate is closed: the replacement binds.
        Assert.Equal(SocketError.Success, await BindInsideAsync(ns));
        for (var i = 0; i < clients.Count; i++)
        {
            Assert.Equal("B answered " + Request(i), await Standby.TestConnections.ReadToEndAsync(clients[i]));
            clients[i].Dispose();
        }
        var error = await Assert.ThrowsAsync<SocketException>(() => Standby.TestConnections.ReadToEndAsync(direct));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        direct.Dispose();
        await stop.CancelAsync();
        b.Stop();
        await answering;
    }

    [RootFact]
    public async Task Through_the_runtime_a_SIGKILLed_held_apps_queue_goes_to_another_endpoint_before_the_go_and_the_replacement_binds()
    {
        await using var ns = await StandbyNamespace.CreateAsync();
        using var b = new TcpListener(ns.HostAddress, 0);
        b.Start();
        using var stop = new CancellationTokenSource();
        var answering = AnswerAsync(b.Server, "B", stop.Token);
        var dead = new IPEndPoint(ns.NodeAddress, Port);
        var frontend = new IPEndPoint(ns.NodeAddress, 30080);
        RoutingSnapshot Snapshot(params RouteEndpoint[] endpoints) => StandbySnapshots.Build(
            ($"{frontend}", Transport.Tcp, FrontendKind.NodePort, StandbySnapshots.Route("shop", "web", "", externalLocal: false, endpoints)));
        var a = StandbySnapshots.Ready(dead.Address.ToString(), dead.Port);
        var (code, errors) = await ns.NftAsync(StandbyTable.Script(StandbyTable.TableName("axlhltest"), Snapshot(a), ProxyMode.Nftables));
        Assert.True(code == 0, $"nft refused the table: {errors}");
        var after = Snapshot(a, StandbySnapshots.Ready(ns.HostAddress.ToString(), ((IPEndPoint)b.LocalEndpoint).Port));
        var forwarder = new Forwarder(() => after, new EndpointPicker(BalancingMode.RoundRobin, TimeProvider.System), new ConnectionRegistry(),
            new ForwarderOptions(16, 3, TimeSpan.FromSeconds(1), 4096, ReplayLimit: 4096), TimeProvider.System, NullLogger.Instance);
        var drained = new DrainedConnections(() => after, () => StandbyTable.KernelFrontends(after, ProxyMode.Nftables), new InsideConntrack(ns),
            forwarder.HandleAsync, () => 16);

        await using var node = ContainerNode.Create();
        // The pod's containers join the namespace playing the pod: its app listens where the table sends the frontend's clients.
        var sandbox = new PodSandbox("held-pod", "held-pod", ns.NodeAddress.ToString(), ns.Name);
        node.Sandbox = sandbox;
        var second = node.Spec(sandbox, "1", "import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            + $"try:\n  s.bind(('0.0.0.0',{Port}))\n  s.listen(8)\n  print('bound',flush=True)\nexcept OSError as e:\n  print('refused',e,flush=True)\ntime.sleep(600)");
        // Dual-stack, as Kestrel listens: its connections show the clients' IPv4 addresses mapped into IPv6.
        var first = node.Spec(sandbox, "0", "import socket,time\ns=socket.socket(socket.AF_INET6)\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            + $"s.bind(('::',{Port}))\ns.listen(64)\nprint('listening',flush=True)\ntime.sleep(600)") with
        {
            NextAttempt = second,
            RestartsAtOnce = (_, _) => true,
        };
        var port = new HeldPort("shop", "web-a", ns.NodeAddress, Port);
        var handle = await node.Runtime.StartAsync(sandbox, first, CancellationToken.None);
        await ContainerNode.LogSaysAsync(first.LogPath, "listening");
        // The ordering (ADR 0030): disarmed before the first take; the exit hook drains and closes before the go.
        node.Runtime.Disarm(sandbox.PodUid);
        using var manager = new HeldListenerManager(p => p == port ? LinuxProcess.Descendants(handle.Pid, 16) : []);
        manager.Reconcile(new HashSet<HeldPort> { port });
        Assert.True(manager.IsHeld(port));
        var relays = new List<Task<(int Relayed, int Reset)>>();
        var replacementRanFirst = false;
        node.Runtime.ExitHeard = (_, _) =>
        {
            replacementRanFirst |= File.Exists(second.LogPath);
            foreach (var (_, listener) in manager.Release(port.Namespace, port.Pod, pid => !LinuxProcess.IsAlive(pid)))
            {
                using var bound = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
                relays.Add(drained.RelayAsync(listener, dead, bound.Token, stop.Token));
            }
        };
        var clients = new List<Socket>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await ConnectOneAsync(ns, i, frontend));
        }
        var direct = await ConnectOneAsync(ns, 9, dead);

        // The command itself (PID 1 of the container is the launcher's init, which only supervises it).
        var app = LinuxProcess.Descendants(handle.Pid, 16).Single(pid => File.ReadAllText($"/proc/{pid}/comm").Trim() == "python3");
        Assert.True(LinuxProcess.Signal(app, LinuxProcess.SIGKILL));

        Assert.Equal(137, (await node.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20))).ExitCode);
        Assert.False(replacementRanFirst);
        var relay = Assert.Single(relays);
        Assert.Equal((4, 1), await relay.WaitAsync(TimeSpan.FromSeconds(20)));
        // Started by the runtime's go right after the hook, and its bind found the port free.
        var replacement = await ContainerNode.LogSaysAsync(second.LogPath, "bound");
        Assert.DoesNotContain("refused", replacement, StringComparison.Ordinal);
        for (var i = 0; i < clients.Count; i++)
        {
            Assert.Equal("B answered " + Request(i), await Standby.TestConnections.ReadToEndAsync(clients[i]));
            clients[i].Dispose();
        }
        var error = await Assert.ThrowsAsync<SocketException>(() => Standby.TestConnections.ReadToEndAsync(direct));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        direct.Dispose();
        await stop.CancelAsync();
        b.Stop();
        await answering;
    }

    /// <summary>
    /// A real ProcessRuntime (native launcher) with a cgroup root and state directory of its own, removed with everything
    /// it started even when the test failed; its pod's sandbox is the test's namespace, so it makes no bridge or veth.
    /// </summary>
    private sealed class ContainerNode : IAsyncDisposable
    {
        private ContainerNode(ProcessRuntimeOptions options, ProcessRuntime runtime)
        {
            Options = options;
            Runtime = runtime;
        }

        public ProcessRuntimeOptions Options { get; }

        public ProcessRuntime Runtime { get; }

        public PodSandbox? Sandbox { get; set; }

        public static ContainerNode Create()
        {
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var options = new ProcessRuntimeOptions
            {
                CgroupRoot = "axolotl-proxytest-" + suffix,
                BridgeName = "axp" + suffix,
                PodCidr = "10.250.77.0/24",
                StateDirectory = Path.Combine("/var/tmp", "axolotl-proxy-tests", suffix),
            };
            var (missing, tools) = RuntimeProbe.Check();
            if (tools?.Launcher is null)
            {
                throw new InvalidOperationException("this test needs root, cgroups and the native launcher next to the tests: " + string.Join("; ", missing));
            }
            return new ContainerNode(options, new ProcessRuntime(options, tools));
        }

        /// <summary>Attempt <paramref name="attempt"/> of the pod's one container, running python3 with <paramref name="script"/>.</summary>
        public ContainerSpec Spec(PodSandbox sandbox, string attempt, string script) =>
            new(sandbox.PodUid, "main", ["python3", "-c", script], new Dictionary<string, string>(), null, Path.Combine(Options.StateDirectory, "logs", $"main-{attempt}.log"));

        /// <summary>The log's text once it has <paramref name="line"/> on the container's stdout.</summary>
        public static Task<string> LogSaysAsync(string path, string line) =>
            Eventually.UntilAsync(async () => File.Exists(path) ? await File.ReadAllTextAsync(path) : "", text => text.Contains(" stdout F " + line, StringComparison.Ordinal),
                $"\"{line}\" in {path}", timeout: TimeSpan.FromSeconds(20));

        public async ValueTask DisposeAsync()
        {
            Runtime.ExitHeard = null;
            if (Sandbox is { } sandbox)
            {
                try
                {
                    // Drops the standby and the attempt restarted at the exit, kills what runs, removes the pod's cgroups.
                    await Runtime.RemoveSandboxAsync(sandbox, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (Exception)
                {
                    // Keep cleaning up.
                }
            }
            foreach (var hierarchy in new[] { "memory", "cpu", "cpuacct", "pids", "devices", "unified", "" })
            {
                var dir = Path.Combine("/sys/fs/cgroup", hierarchy, Options.CgroupRoot);
                if (Directory.Exists(dir))
                {
                    foreach (var sub in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(dir))
                    {
                        try
                        {
                            Directory.Delete(sub);
                        }
                        catch (IOException)
                        {
                        }
                    }
                }
            }
            if (Directory.Exists(Options.StateDirectory))
            {
                Directory.Delete(Options.StateDirectory, recursive: true);
            }
        }
    }

    /// <summary>ctnetlink in the namespace playing the node, where the table's DNAT made the entries.</summary>
    private sealed class InsideConntrack(StandbyNamespace ns) : IConntrack
    {
        private readonly NetlinkConntrack _conntrack = new();

        public Task<IReadOnlyList<ConntrackFlow>> ListUdpAsync(CancellationToken ct) => ns.RunInsideAsync(() => _conntrack.ListUdpAsync(ct));

        public Task<int> DeleteAsync(IReadOnlyList<ConntrackFlow> flows, CancellationToken ct) => ns.RunInsideAsync(() => _conntrack.DeleteAsync(flows, ct));

        public Task<ConntrackFlow?> FindByReplyAsync(byte protocol, IPEndPoint replySource, IPEndPoint replyDestination, CancellationToken ct) =>
            ns.RunInsideAsync(() => _conntrack.FindByReplyAsync(protocol, replySource, replyDestination, ct));
    }

    /// <summary>Reads each connection's request and answers "WHO answered REQUEST".</summary>
    private static async Task AnswerAsync(Socket listener, string who, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                using var connection = await listener.AcceptAsync(ct);
                var buffer = new byte[64];
                var read = await connection.ReceiveAsync(buffer, SocketFlags.None, ct);
                await connection.SendAsync(Encoding.ASCII.GetBytes($"{who} answered {Encoding.ASCII.GetString(buffer, 0, read)}"), SocketFlags.None, ct);
                connection.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static string Request(int i) => $"GET /{i}";

    /// <summary>A listener that never accepts, in the namespace (`ip netns exec` execs it: its PID is the process's).</summary>
    private static async Task<Process> StartAppAsync(StandbyNamespace ns, bool dualStack = false, bool hostileChild = false)
    {
        var (family, any) = dualStack ? ("socket.AF_INET6", "::") : ("socket.AF_INET", "0.0.0.0");
        // The child prints its pid after "listening" and clears O_NONBLOCK on the shared listener for ever.
        var hostile = hostileChild
            ? "import os,fcntl\nc=os.fork()\nif c==0:\n  while True: fcntl.fcntl(s.fileno(),fcntl.F_SETFL,fcntl.fcntl(s.fileno(),fcntl.F_GETFL)&~os.O_NONBLOCK)\nprint('listening',flush=True)\nprint(c,flush=True)\n"
            : "print('listening',flush=True)\n";
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true };
        foreach (var arg in (string[])["netns", "exec", ns.Name, "python3", "-c",
            $"import socket,time\ns=socket.socket({family})\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(('{any}',{Port}))\ns.listen(64)\n" + hostile + "time.sleep(600)"])
        {
            psi.ArgumentList.Add(arg);
        }
        var app = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.Equal("listening", await app.StandardOutput.ReadLineAsync(timeout.Token));
        return app;
    }

    /// <summary>What a replacement's bind and listen on the port inside the namespace (SO_REUSEADDR set) gets.</summary>
    private static Task<SocketError> BindInsideAsync(StandbyNamespace ns) => ns.RunInsideAsync(() =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, Port));
            socket.Listen(1);
            return Task.FromResult(SocketError.Success);
        }
        catch (SocketException e)
        {
            return Task.FromResult(e.SocketErrorCode);
        }
    });

    private static void Kill(Process app)
    {
        app.Kill();
        app.WaitForExit();
    }

    private static async Task<List<Socket>> ConnectAsync(StandbyNamespace ns, int count)
    {
        var clients = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            clients.Add(await ConnectOneAsync(ns, i));
        }
        return clients;
    }

    /// <summary>A client whose request waits unread in the queue.</summary>
    private static async Task<Socket> ConnectOneAsync(StandbyNamespace ns, int i, IPEndPoint? to = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(to ?? new IPEndPoint(ns.NodeAddress, Port), timeout.Token);
        await client.SendAsync(Encoding.ASCII.GetBytes(Request(i)), SocketFlags.None, timeout.Token);
        return client;
    }
}
