using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Axolotl.Agent.NetworkPolicies;

/// <summary>An inclusive range of IPv4 addresses; peers and ipBlocks become lists of these, merged so nft gets no overlaps.</summary>
public readonly record struct Ipv4Range(uint First, uint Last)
{
    public static Ipv4Range Single(uint address) => new(address, address);

    public bool Contains(uint address) => address >= First && address <= Last;

    /// <summary>"10.0.0.1" or "10.0.0.0-10.0.0.255", as an nft set element.</summary>
    public override string ToString() => First == Last ? Format(First) : Format(First) + "-" + Format(Last);

    public static bool TryParseAddress(string? text, out uint address)
    {
        address = 0;
        if (text is null || !IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        var b = ip.GetAddressBytes();
        address = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        return true;
    }

    /// <summary>An IPv4 CIDR as a range (host bits masked, as Go's ParseCIDR does); null for IPv6 or garbage (it can match no IPv4 packet).</summary>
    public static Ipv4Range? FromCidr(string cidr)
    {
        if (!Api.Validation.NetworkPolicyValidation.TryParseCidr(cidr, out var network) || !TryParseAddress(network.BaseAddress.ToString(), out var first))
        {
            return null;
        }
        var hostBits = 32 - network.PrefixLength;
        var last = hostBits == 32 ? uint.MaxValue : first | ((1u << hostBits) - 1);
        return new Ipv4Range(first, last);
    }

    public static string Format(uint address) => string.Create(CultureInfo.InvariantCulture,
        $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");

    /// <summary>Sorted, with overlapping and adjacent ranges joined.</summary>
    public static List<Ipv4Range> Merge(IEnumerable<Ipv4Range> ranges)
    {
        var merged = new List<Ipv4Range>();
        foreach (var range in ranges.OrderBy(r => r.First).ThenBy(r => r.Last))
        {
            if (merged.Count > 0 && (ulong)merged[^1].Last + 1 >= range.First)
            {
                var last = merged[^1];
                merged[^1] = last with { Last = Math.Max(last.Last, range.Last) };
            }
            else
            {
                merged.Add(range);
            }
        }
        return merged;
    }

    /// <summary><paramref name="range"/> less every range of <paramref name="holes"/> (an ipBlock's except list).</summary>
    public static List<Ipv4Range> Subtract(Ipv4Range range, IEnumerable<Ipv4Range> holes)
    {
        var left = new List<Ipv4Range> { range };
        foreach (var hole in Merge(holes))
        {
            var next = new List<Ipv4Range>();
            foreach (var part in left)
            {
                if (hole.Last < part.First || hole.First > part.Last)
                {
                    next.Add(part);
                    continue;
                }
                if (hole.First > part.First)
                {
                    next.Add(new Ipv4Range(part.First, hole.First - 1));
                }
                if (hole.Last < part.Last)
                {
                    next.Add(new Ipv4Range(hole.Last + 1, part.Last));
                }
            }
            left = next;
        }
        return left;
    }
}
