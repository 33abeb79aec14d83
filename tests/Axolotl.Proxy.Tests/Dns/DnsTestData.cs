using System.Buffers.Binary;
using System.Net;
using Axolotl.Api.Core;
using Axolotl.Api.Discovery;
using Axolotl.Api.Meta;
using Axolotl.Proxy.Dns;

namespace Axolotl.Proxy.Tests.Dns;

/// <summary>Queries built byte by byte, answers read back, and the Services the DNS tests use.</summary>
internal static class DnsTestData
{
    public static byte[] Query(string name, ushort type = DnsMessage.TypeA, ushort id = 0x1234, ushort flags = 0x0100)
    {
        var bytes = new List<byte> { (byte)(id >> 8), (byte)id, (byte)(flags >> 8), (byte)flags, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(label.Select(c => (byte)c));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. bytes];
    }

    public sealed record Reply(ushort Id, ushort Flags, int Questions, IReadOnlyList<IPAddress> Addresses)
    {
        public DnsResponseCode Code => (DnsResponseCode)(Flags & 0xF);

        public bool Truncated => (Flags & 0x0200) != 0;

        public bool Authoritative => (Flags & 0x0400) != 0;
    }

    /// <summary>Reads a response the way a stub resolver would, checking each length on the way.</summary>
    public static Reply Read(byte[] response)
    {
        Assert.True(response.Length >= 12, "response shorter than a header");
        var id = BinaryPrimitives.ReadUInt16BigEndian(response);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(2));
        var questions = BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(4));
        var answers = BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(6));
        var offset = 12;
        for (var q = 0; q < questions; q++)
        {
            while (response[offset] != 0)
            {
                offset += response[offset] + 1;
            }

            offset += 5;
        }

        var addresses = new List<IPAddress>();
        for (var a = 0; a < answers; a++)
        {
            Assert.Equal(0xC00C, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(offset)));
            Assert.Equal(DnsMessage.TypeA, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(offset + 2)));
            Assert.Equal(4, BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(offset + 10)));
            addresses.Add(new IPAddress(response.AsSpan(offset + 12, 4)));
            offset += 16;
        }

        Assert.Equal(response.Length, offset);
        return new Reply(id, flags, questions, addresses);
    }

    public static Service Service(string ns, string name, string clusterIp, bool publishNotReady = false, string type = "ClusterIP") => new()
    {
        Metadata = new ObjectMeta { Namespace = ns, Name = name },
        Spec = new ServiceSpec { ClusterIP = clusterIp, Type = type, PublishNotReadyAddresses = publishNotReady ? true : null },
    };

    public static EndpointSlice Slice(string ns, string service, params (string Ip, bool Ready, string? Hostname)[] endpoints) => new()
    {
        Metadata = new ObjectMeta
        {
            Namespace = ns,
            Name = service + "-abcde",
            Labels = new Dictionary<string, string> { [WellKnown.LabelServiceName] = service },
        },
        AddressType = "IPv4",
        Endpoints = [.. endpoints.Select(e => new Endpoint
        {
            Addresses = [e.Ip],
            Hostname = e.Hostname,
            Conditions = new EndpointConditions { Ready = e.Ready },
        })],
    };
}
