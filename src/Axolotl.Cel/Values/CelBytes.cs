namespace Axolotl.Cel.Values;

/// <summary>A CEL <c>bytes</c> value; compared by content.</summary>
public sealed class CelBytes(byte[] data) : IEquatable<CelBytes>
{
    public byte[] Data { get; } = data;

    public bool Equals(CelBytes? other) => other is not null && Data.AsSpan().SequenceEqual(other.Data);

    public override bool Equals(object? obj) => Equals(obj as CelBytes);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(Data);
        return h.ToHashCode();
    }

    internal int CompareTo(CelBytes other) => Data.AsSpan().SequenceCompareTo(other.Data);
}
