namespace Axolotl.ApiServer.Encryption;

/// <summary>How one resource's stored values are written and read (upstream's value transformer).</summary>
public interface IValueTransformer
{
    /// <summary>The bytes to store for <paramref name="plain"/> under <paramref name="key"/> (the key is authenticated, not stored).</summary>
    byte[] ToStorage(ReadOnlySpan<byte> plain, string key);

    /// <summary>The plain value of what was stored under <paramref name="key"/>.</summary>
    /// <exception cref="EncryptionException">No configured key can read it, or it was tampered with.</exception>
    byte[] FromStorage(ReadOnlySpan<byte> stored, string key);
}
