using System.Text;

namespace Axolotl.ApiServer.Tests.Protobuf;

/// <summary>Writes protobuf wire format by hand, so tests can build exactly the bytes they need.</summary>
internal sealed class ProtoWriter
{
    private readonly List<byte> _bytes = [];

    public ProtoWriter Varint(int field, long value) => Tag(field, 0).RawVarint(unchecked((ulong)value));

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2).RawVarint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>A map&lt;string, string&gt; entry.</summary>
    public ProtoWriter Entry(int field, string key, string value) => Message(field, e => e.String(1, key).String(2, value));

    public ProtoWriter Fixed32(int field, uint value)
    {
        Tag(field, 5);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    public ProtoWriter RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.Add((byte)value);
        return this;
    }

    public ProtoWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>The k8s\0 + runtime.Unknown envelope a Kubernetes client sends.</summary>
    public static byte[] Envelope(string apiVersion, string kind, Action<ProtoWriter> raw, string? contentType = null, string? contentEncoding = null)
    {
        var unknown = new ProtoWriter()
            .Message(1, t => t.String(1, apiVersion).String(2, kind))
            .Message(2, raw);
        if (contentEncoding is not null)
        {
            unknown.String(3, contentEncoding);
        }
        if (contentType is not null)
        {
            unknown.String(4, contentType);
        }
        return [.. "k8s\0"u8, .. unknown.ToArray()];
    }
}
