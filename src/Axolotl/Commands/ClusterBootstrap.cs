using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Storage;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl server --token-file FILE` on etcd (k3s's server token): the first server publishes the cluster's
/// secrets (<see cref="ClusterSecrets.Shared"/>: CAs, service-account key, admin and join tokens, encryption
/// keys) into the store, encrypted with a key derived from the token (PBKDF2-SHA256, AES-256-GCM), under a key
/// named by a hash of the token; every later server with the same token fetches and decrypts them before its
/// first start, so joining a server needs the etcd endpoints and the token, not a copy of a data directory.
/// The store never holds the token or a key derived from it; a wrong token finds nothing it can open and is
/// refused, and a data directory of another cluster is never overwritten.
/// </summary>
public static class ClusterBootstrap
{
    /// <summary>Store keys (etcd: /registry/axolotl.io/bootstrap/HASH); no API resource lives there.</summary>
    public const string Prefix = "/axolotl.io/bootstrap/";

    private const int Iterations = 200_000;

    /// <summary>Reads the token file: one line, at least 16 characters.</summary>
    public static string ReadToken(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"invalid --token-file \"{path}\": {e.Message}");
        }

        if (text.Length < 16 || text.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"invalid --token-file \"{path}\": want one line of at least 16 characters (e.g. from `openssl rand -hex 32`)");
        }

        return text;
    }

    /// <summary>
    /// Before the first start: fills <paramref name="dataDir"/> with the cluster's secrets when the store holds
    /// them for this token. Returns false when the store has none yet (this is the first server).
    /// </summary>
    public static async Task<bool> FetchAsync(IStore store, string token, string dataDir, CancellationToken ct)
    {
        var entry = await store.GetAsync(KeyFor(token), ct);
        if (entry is null)
        {
            var others = await store.ListAsync(Prefix, 1, null, ct);
            if (others.Items.Count > 0)
            {
                throw new ArgumentException("this datastore's cluster was bootstrapped with another token: give the --token-file of its first server");
            }
            return false;
        }

        var files = Open(entry.Value.ToArray(), token);
        var ownCa = Path.Combine(dataDir, "pki", "ca.crt");
        if (File.Exists(ownCa))
        {
            if (!files.TryGetValue("pki/ca.crt", out var ca) || !File.ReadAllBytes(ownCa).AsSpan().SequenceEqual(ca))
            {
                throw new ArgumentException($"{dataDir} already belongs to another cluster (its pki/ca.crt is not the one in the datastore); give a fresh --data-dir");
            }
            return true; // fetched on an earlier start: the server's own files (tokens minted since) win
        }

        foreach (var (relative, bytes) in files)
        {
            var to = Path.GetFullPath(Path.Combine(dataDir, relative));
            if (!to.StartsWith(Path.GetFullPath(dataDir) + "/", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"the bootstrap data names a path outside the data directory: {relative}");
            }
            DataDirectory.EnsurePrivate(Path.GetDirectoryName(to)!);
            File.WriteAllBytes(to, bytes);
            DataDirectory.MakeOwnerOnly(to);
        }
        return true;
    }

    /// <summary>
    /// After the first start made the secrets: publishes them unless the store has them already. A server that
    /// lost the race to another first server (same token, another CA) is told so and stops.
    /// </summary>
    public static async Task PublishAsync(IStore store, string token, string dataDir, CancellationToken ct)
    {
        var key = KeyFor(token);
        var ours = Collect(dataDir);
        try
        {
            await store.CreateAsync(key, Seal(ours, token), ct);
        }
        catch (KeyExistsException)
        {
            var theirs = Open((await store.GetAsync(key, ct))!.Value.ToArray(), token);
            if (!theirs.TryGetValue("pki/ca.crt", out var ca) || !ours["pki/ca.crt"].AsSpan().SequenceEqual(ca))
            {
                throw new ArgumentException($"another server bootstrapped this cluster at the same time with another CA: stop this one, remove {dataDir} and start it again to join");
            }
        }
    }

    /// <summary>The store key for a token: a hash of it, so that the key reveals nothing of the token.</summary>
    public static string KeyFor(string token) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("axolotl-bootstrap-key:" + token)))[..24];

    internal static Dictionary<string, byte[]> Collect(string dataDir)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var relative in ClusterSecrets.Shared)
        {
            var path = Path.Combine(dataDir, relative);
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path))
                {
                    files[relative + "/" + Path.GetFileName(file)] = File.ReadAllBytes(file);
                }
            }
            else if (File.Exists(path))
            {
                files[relative] = File.ReadAllBytes(path);
            }
        }
        if (!files.ContainsKey("pki/ca.crt"))
        {
            throw new InvalidOperationException($"no cluster CA in {dataDir} to publish");
        }
        return files;
    }

    internal static byte[] Seal(Dictionary<string, byte[]> files, string token)
    {
        var plain = new JsonObject();
        foreach (var (name, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            plain[name] = Convert.ToBase64String(bytes);
        }
        var plaintext = Encoding.UTF8.GetBytes(plain.ToJsonString());
        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(DeriveKey(token, salt), tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var sealedBox = new JsonObject
        {
            ["version"] = 1,
            ["kdf"] = $"pbkdf2-sha256:{Iterations}",
            ["salt"] = Convert.ToBase64String(salt),
            ["nonce"] = Convert.ToBase64String(nonce),
            ["ciphertext"] = Convert.ToBase64String(ciphertext),
            ["tag"] = Convert.ToBase64String(tag),
        };
        return Encoding.UTF8.GetBytes(sealedBox.ToJsonString());
    }

    internal static Dictionary<string, byte[]> Open(byte[] stored, string token)
    {
        try
        {
            var box = JsonNode.Parse(stored)!.AsObject();
            if ((int?)box["version"] != 1 || (string?)box["kdf"] != $"pbkdf2-sha256:{Iterations}")
            {
                throw new InvalidDataException("unknown bootstrap data format");
            }
            var ciphertext = Convert.FromBase64String((string)box["ciphertext"]!);
            var tag = Convert.FromBase64String((string)box["tag"]!);
            var plaintext = new byte[ciphertext.Length];
            using (var aes = new AesGcm(DeriveKey(token, Convert.FromBase64String((string)box["salt"]!)), tag.Length))
            {
                aes.Decrypt(Convert.FromBase64String((string)box["nonce"]!), ciphertext, tag, plaintext);
            }
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (name, value) in JsonNode.Parse(plaintext)!.AsObject())
            {
                files[name] = Convert.FromBase64String((string)value!);
            }
            CryptographicOperations.ZeroMemory(plaintext);
            return files;
        }
        catch (Exception e) when (e is JsonException or FormatException or CryptographicException or InvalidCastException or NullReferenceException or InvalidOperationException)
        {
            throw new InvalidDataException($"the cluster's bootstrap data in the datastore cannot be opened with this token ({e.GetType().Name}): it was damaged or written with another token");
        }
    }

    private static byte[] DeriveKey(string token, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(token), salt, Iterations, HashAlgorithmName.SHA256, 32);
}
