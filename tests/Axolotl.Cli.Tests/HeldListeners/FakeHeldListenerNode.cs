using System.Collections.Concurrent;
using System.Net;
using Axolotl.Commands;
using Axolotl.Proxy.Drain;

namespace Axolotl.Cli.Tests.HeldListeners;

/// <summary>The agent's pods and the proxy's desired ports as the test sets them; a relay that closes what it is given, as the proxy's does.</summary>
internal sealed class FakeHeldListenerNode : IHeldListenerNode
{
    private readonly ConcurrentDictionary<string, (string Namespace, string Name)> _pods = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name), (string Uid, TestContainer Container)> _running = new();
    private volatile IReadOnlySet<HeldPort> _desired = new HashSet<HeldPort>();

    public Action? Changed { get; private set; }

    public ConcurrentQueue<(IHeldListener Listener, IPEndPoint DeadEndpoint)> Relayed { get; } = new();

    private int _desiredReads;

    /// <summary>How many times the wiring read <see cref="Desired"/> (it walks every kernel frontend on a node).</summary>
    public int DesiredReads => Volatile.Read(ref _desiredReads);

    public IReadOnlySet<HeldPort> Desired()
    {
        Interlocked.Increment(ref _desiredReads);
        return _desired;
    }

    public void Want(params HeldPort[] ports) => _desired = ports.ToHashSet();

    /// <summary>The pod runs <paramref name="container"/> from now on (its first, or a replacement).</summary>
    public void Runs(string uid, HeldPort port, TestContainer container)
    {
        _pods[uid] = (port.Namespace, port.Pod);
        _running[(port.Namespace, port.Pod)] = (uid, container);
    }

    public IDisposable OnChanged(Action changed)
    {
        Changed = changed;
        return new Unsubscribe(this);
    }

    public (string Namespace, string Name)? Pod(string podUid) => _pods.TryGetValue(podUid, out var pod) ? pod : null;

    public (string PodUid, IReadOnlyList<int> Launchers)? Containers(HeldPort port) =>
        _running.TryGetValue((port.Namespace, port.Pod), out var running) && running.Container.Running ? (running.Uid, [running.Container.Launcher]) : null;

    public Task<(int Relayed, int Reset)> RelayDrainedAsync(IHeldListener listener, IPEndPoint deadEndpoint, CancellationToken bound)
    {
        var drained = listener.Drain(100, bound);
        listener.Dispose();
        foreach (var connection in drained)
        {
            connection.Dispose();
        }
        Relayed.Enqueue((listener, deadEndpoint));
        return Task.FromResult((0, drained.Count));
    }

    private sealed class Unsubscribe(FakeHeldListenerNode node) : IDisposable
    {
        public void Dispose() => node.Changed = null;
    }
}
