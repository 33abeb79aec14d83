using System.Net;

namespace Axolotl.Proxy.Conntrack;

/// <summary>
/// One IPv4 conntrack entry as ctnetlink lists it: the original direction's addresses and ports (the client and the
/// frontend it sent to), the reply direction's source (the endpoint the kernel DNATed to, or the frontend itself when
/// nothing was), its zone and its id (so a delete takes this entry and not a newer one with the same tuple).
/// </summary>
public sealed record ConntrackFlow(byte Protocol, IPEndPoint OriginalSource, IPEndPoint OriginalDestination, IPAddress ReplySource, ushort Zone = 0, uint? Id = null)
{
    public const byte Tcp = 6;
    public const byte Udp = 17;

    public override string ToString() =>
        $"{(Protocol == Udp ? "udp" : Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture))} {OriginalSource} -> {OriginalDestination} (reply from {ReplySource})";
}
