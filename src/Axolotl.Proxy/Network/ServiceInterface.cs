using System.Net;
using System.Net.Sockets;
using Axolotl.Api.Net;
using Axolotl.Hosting.HostTools;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Network;

/// <summary>
/// The link that carries the cluster IPs as /32 addresses, so the host (and pods, whose default route
/// is the node bridge) deliver traffic for them to the proxy's sockets as local traffic: no forwarding,
/// no NAT. A "dummy" link where the kernel has one, otherwise a bridge without ports, which behaves
/// the same for local addresses. The proxy owns the link: it is created (or reclaimed after a crash
/// and emptied) on start and deleted on dispose, and only addresses inside the service CIDR go on it.
/// An "unreachable" route for the whole service CIDR makes a connect to an unallocated cluster IP fail
/// at once instead of following the default route off the host (local addresses win over it).
/// </summary>
public sealed class ServiceInterface : IAsyncDisposable
{
    private readonly Ipv4Cidr _range;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HashSet<IPAddress> _addresses = [];
    private bool _owned;

    public ServiceInterface(string name, Ipv4Cidr range, ILogger logger)
    {
        if (name.Length is 0 or > 15 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"invalid interface name \"{name}\": 1-15 letters, digits, '-', '_' or '.'", nameof(name));
        }
        Name = name;
        _range = range;
        _logger = logger;
    }

    public string Name { get; }

    /// <summary>"dummy" or "bridge" once <see cref="EnsureAsync"/> has run.</summary>
    public string? Kind { get; private set; }

    /// <summary>The addresses on the link, as last read back.</summary>
    public IReadOnlySet<IPAddress> Addresses => _addresses;

    /// <summary>Creates the link, or takes over one left by a previous run after checking it is ours, and empties it.</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (IpCommand.LinkExists(Name))
            {
                var foreign = (await ReadAddressesAsync(ct)).Where(a => !_range.Contains(a)).ToList();
                var ports = Path.Combine("/sys/class/net", Name, "brif");
                if (foreign.Count > 0 || (Directory.Exists(ports) && Directory.EnumerateFileSystemEntries(ports).Any()))
                {
                    throw new InvalidOperationException(
                        $"interface {Name} exists and is not a service interface (addresses outside {_range} or bridge ports); choose another name");
                }
                Kind = Directory.Exists(Path.Combine("/sys/class/net", Name, "bridge")) ? "bridge" : "dummy";
                await RunAsync([$"addr flush dev {Name}", $"link set {Name} up"], force: false, ct);
                ServiceInterfaceLog.InterfaceReclaimed(_logger, Name);
            }
            else
            {
                var (code, errors) = await IpCommand.TryBatchAsync([$"link add {Name} type dummy"], netns: null, force: false, ct);
                Kind = "dummy";
                if (code != 0)
                {
                    // Kernels built without CONFIG_DUMMY (and no modules) answer "Unknown device type".
                    await RunAsync([$"link add {Name} type bridge"], force: false, ct);
                    Kind = "bridge";
                    ServiceInterfaceLog.InterfaceFallback(_logger, Name, errors);
                }
                await RunAsync([$"link set {Name} up"], force: false, ct);
            }
            await RunAsync([UnreachableRoute("replace")], force: false, ct);
            _owned = true;
            _addresses = await ReadAddressesAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Makes the link carry exactly <paramref name="desired"/> (those inside the service CIDR).</summary>
    public async Task SyncAsync(IReadOnlySet<IPAddress> desired, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_owned)
            {
                return;
            }
            var wanted = desired.Where(a => a.AddressFamily == AddressFamily.InterNetwork && _range.Contains(a)).ToHashSet();
            var commands = wanted.Except(_addresses).Select(a => $"addr replace {a}/32 dev {Name}")
                .Concat(_addresses.Except(wanted).Select(a => $"addr del {a}/32 dev {Name}"))
                .ToList();
            if (commands.Count == 0)
            {
                return;
            }
            // Another proxy of the cluster on this host may have removed the shared route when it stopped.
            commands.Add(UnreachableRoute("replace"));
            // -force: one bad line (an address someone removed by hand) must not stop the others.
            var (code, errors) = await IpCommand.TryBatchAsync(commands, netns: null, force: true, ct);
            if (code != 0)
            {
                ServiceInterfaceLog.InterfaceCommandFailed(_logger, Name, errors);
            }
            _addresses = await ReadAddressesAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes the link with its addresses; safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_owned)
            {
                await IpCommand.TryBatchAsync(IpCommand.LinkExists(Name) ? [$"link del {Name}", UnreachableRoute("del")] : [UnreachableRoute("del")],
                    netns: null, force: true, CancellationToken.None);
            }
            _owned = false;
            _addresses = [];
        }
        finally
        {
            _gate.Release();
        }
    }

    private string UnreachableRoute(string verb) => $"route {verb} unreachable {_range}";

    private async Task RunAsync(IReadOnlyCollection<string> commands, bool force, CancellationToken ct)
    {
        var (code, errors) = await IpCommand.TryBatchAsync(commands, netns: null, force, ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"ip {string.Join("; ", commands)} failed ({code}): {errors}");
        }
    }

    /// <summary>
    /// The link's IPv4 addresses as iproute2 reports them. (NetworkInterface enumerates every link and
    /// throws when pod veths come and go meanwhile.)
    /// </summary>
    private async Task<HashSet<IPAddress>> ReadAddressesAsync(CancellationToken ct)
    {
        var (code, output, errors) = await IpCommand.CaptureAsync("ip", ["-4", "-o", "addr", "show", "dev", Name], ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"ip addr show dev {Name} failed ({code}): {errors}");
        }
        var addresses = new HashSet<IPAddress>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "7: name    inet 10.96.0.20/32 scope global name\       valid_lft forever ..."
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var inet = Array.IndexOf(fields, "inet");
            if (inet >= 0 && inet + 1 < fields.Length && IPAddress.TryParse(fields[inet + 1].Split('/')[0], out var address))
            {
                addresses.Add(address);
            }
        }
        return addresses;
    }
}
