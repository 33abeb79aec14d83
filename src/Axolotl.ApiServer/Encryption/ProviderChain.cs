using System.Security.Cryptography;
using System.Text;

namespace Axolotl.ApiServer.Encryption;

/// <summary>
/// One resource's providers in order, as upstream reads an EncryptionConfiguration: the first provider
/// writes; on read, a value with the prefix <c>k8s:enc:aesgcm:v1:NAME:</c> goes to the aesgcm key of that
/// name (so after a rotation old values stay readable), and a value without the <c>k8s:enc:</c> prefix is
/// plain when an identity provider is listed (values stored before encryption was turned on).
/// Stored layout, as kube-apiserver's aesgcm: prefix, 12-byte nonce, ciphertext, 16-byte tag; the
/// storage key is the additional authenticated data, so a value copied under another key does not decrypt.
/// </summary>
public sealed class ProviderChain : IValueTransformer
{
    private const string EnvelopePrefix = "k8s:enc:";
    private const string AesGcmPrefix = "k8s:enc:aesgcm:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly AesGcmKey? _writeKey;
    private readonly Dictionary<string, AesGcmKey> _readKeys;
    private readonly bool _identity;

    /// <param name="writeKey">The key new values are written with; null when identity is first (plain writes).</param>
    public ProviderChain(AesGcmKey? writeKey, IEnumerable<AesGcmKey> readKeys, bool identity)
    {
        _writeKey = writeKey;
        _readKeys = readKeys.ToDictionary(k => k.Name, StringComparer.Ordinal);
        _identity = identity;
    }

    public byte[] ToStorage(ReadOnlySpan<byte> plain, string key)
    {
        if (_writeKey is null)
        {
            return plain.ToArray();
        }
        var prefix = Encoding.ASCII.GetBytes($"{AesGcmPrefix}{_writeKey.Name}:");
        var stored = new byte[prefix.Length + NonceSize + plain.Length + TagSize];
        prefix.CopyTo(stored, 0);
        var nonce = stored.AsSpan(prefix.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_writeKey.Secret, TagSize);
        aes.Encrypt(nonce, plain, stored.AsSpan(prefix.Length + NonceSize, plain.Length), stored.AsSpan(prefix.Length + NonceSize + plain.Length), Encoding.UTF8.GetBytes(key));
        return stored;
    }

    public byte[] FromStorage(ReadOnlySpan<byte> stored, string key)
    {
        if (!stored.StartsWith(Encoding.ASCII.GetBytes(EnvelopePrefix)))
        {
            return _identity ? stored.ToArray() : throw new EncryptionException($"value of {key} is not encrypted and no identity provider is configured");
        }
        if (!stored.StartsWith(Encoding.ASCII.GetBytes(AesGcmPrefix)))
        {
            throw new EncryptionException($"value of {key} is encrypted by a provider that is not configured");
        }
        var rest = stored[AesGcmPrefix.Length..];
        var colon = rest.IndexOf((byte)':');
        var name = colon < 0 ? "" : Encoding.ASCII.GetString(rest[..colon]);
        if (colon < 0 || !_readKeys.TryGetValue(name, out var aesKey))
        {
            throw new EncryptionException($"value of {key} is encrypted with the aesgcm key \"{name}\", which is not configured");
        }
        var body = rest[(colon + 1)..];
        if (body.Length < NonceSize + TagSize)
        {
            throw new EncryptionException($"value of {key} is too short to be aesgcm data");
        }
        var cipherLength = body.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(aesKey.Secret, TagSize);
            aes.Decrypt(body[..NonceSize], body.Slice(NonceSize, cipherLength), body[(NonceSize + cipherLength)..], plain, Encoding.UTF8.GetBytes(key));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new EncryptionException($"value of {key} failed authentication with the aesgcm key \"{name}\" (tampered, or another key of that name)");
        }
        return plain;
    }
}
