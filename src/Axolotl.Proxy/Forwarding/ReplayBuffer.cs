namespace Axolotl.Proxy.Forwarding;

/// <summary>What a client sent before its endpoint answered, up to a limit; past the limit nothing more is kept and the connection can no longer move.</summary>
internal sealed class ReplayBuffer(int limit)
{
    private byte[] _bytes = [];
    private int _length;

    /// <summary>Every byte the client sent so far is kept.</summary>
    public bool Complete { get; private set; } = limit > 0;

    public int Length => _length;

    public ReadOnlyMemory<byte> Bytes => _bytes.AsMemory(0, _length);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (!Complete)
        {
            return;
        }
        if (_length + bytes.Length > limit)
        {
            Complete = false;
            _bytes = [];
            _length = 0;
            return;
        }
        if (_length + bytes.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Min(limit, Math.Max(_length + bytes.Length, Math.Max(1024, _bytes.Length * 2))));
        }
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }
}
