using System.Net;
using System.Net.Sockets;
using Axolotl.Testing;

namespace Axolotl.Proxy.Tests.Standby;

/// <summary>
/// A network namespace standing in for a node, joined to this test's namespace by a veth pair:
/// <see cref="HostAddress"/> here, <see cref="NodeAddress"/> there, forwarding on as a node's is. Needs root.
/// </summary>
internal sealed class StandbyNamespace : IAsyncDisposable
{
    /// <summary>The xunit collection of the classes that use it: one namespace name per test process, so they take turns.</summary>
    public const string Collection = "standby-namespace";

    private readonly VethNamespace _ns;

    private StandbyNamespace(VethNamespace ns) => _ns = ns;

    public IPAddress HostAddress => _ns.HostAddress;

    public IPAddress NodeAddress => _ns.PeerAddress;

    /// <summary>This side's end of the veth (an address added to it goes with it).</summary>
    public string HostLink => _ns.HostLink;

    /// <summary>The namespace's name, for `ip netns exec`.</summary>
    public string Name => _ns.Name;

    public static async Task<StandbyNamespace> CreateAsync() =>
        new(await VethNamespace.CreateAsync("axlsb", secondOctetOfNet10: 253, forwarding: true));

    /// <summary>Runs `nft -f -` with <paramref name="script"/> inside the namespace; returns nft's exit code and errors.</summary>
    public Task<(int ExitCode, string Errors)> NftAsync(string script) => _ns.ExecAsync(script, "nft", "-f", "-");

    /// <summary>Runs <paramref name="command"/> inside the namespace; returns its exit code and errors.</summary>
    public Task<(int ExitCode, string Errors)> ExecInsideAsync(params string[] command) => _ns.ExecAsync(null, command);

    /// <summary>A TCP listener opened inside the namespace.</summary>
    public Socket ListenInside(IPEndPoint endPoint)
    {
        try
        {
            return _ns.RunInsideAsync(() =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(endPoint);
                socket.Listen(16);
                return socket;
            }).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("cannot listen inside " + _ns.Name, e);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a thread inside the namespace (a socket it opens belongs there).</summary>
    public Task<T> RunInsideAsync<T>(Func<Task<T>> work) => _ns.RunInsideAsync(() => work().GetAwaiter().GetResult());

    public ValueTask DisposeAsync() => _ns.DisposeAsync();
}
