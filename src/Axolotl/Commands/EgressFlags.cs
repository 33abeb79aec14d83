using System.Globalization;
using System.Net;
using Axolotl.Agent.Network;
using Axolotl.Runtime.Network.Dns;

namespace Axolotl.Commands;

/// <summary>The node's way out: `--resolv-conf` (the kubelet's flag) and `--conntrack-max-per-pod`.</summary>
public static class EgressFlags
{
    /// <summary>
    /// `--resolv-conf FILE` (default /etc/resolv.conf; "" = none): the upstream servers the cluster DNS
    /// forwards to and what dnsPolicy Default pods get. A default file that is missing means none; a
    /// named one that cannot be read stops the start.
    /// </summary>
    public static ResolvConf NodeResolvConf(CommandLine args)
    {
        var given = args.Get("resolv-conf");
        var path = given ?? ResolvConf.DefaultPath;
        try
        {
            return ResolvConf.Load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return given is null ? ResolvConf.Empty : throw new ArgumentException($"--resolv-conf {path}: {e.Message}", e);
        }
    }

    /// <summary>The upstream servers, port 53, in the file's order (names that are not addresses are skipped).</summary>
    public static IReadOnlyList<IPEndPoint> Upstreams(ResolvConf conf) =>
        [.. conf.Nameservers.Select(n => IPAddress.TryParse(n, out var address) ? new IPEndPoint(address, 53) : null).OfType<IPEndPoint>()];

    /// <summary>`--conntrack-max-per-pod N` (default 4096; 0 = no cap).</summary>
    public static int ConntrackMaxPerPod(CommandLine args) =>
        args.Get("conntrack-max-per-pod") is not { } text ? NodeEgress.DefaultConntrackMaxPerPod
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 1_000_000 ? value
        : throw new ArgumentException($"invalid --conntrack-max-per-pod \"{text}\": want a number of connections from 0 (no cap) to 1000000");
}
