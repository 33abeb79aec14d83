using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.ServiceAccounts;

/// <summary>
/// The key pair that signs service account tokens (ES256, P-256): made on first start and kept in
/// DIR/pki/service-account.key (0600), so tokens issued before a restart stay valid after it.
/// The key id is upstream's: base64url of the SHA-256 of the public key's DER (PKIX).
/// </summary>
public sealed class ServiceAccountKey : IDisposable
{
    public const string Algorithm = "ES256";

    private ServiceAccountKey(ECDsa key)
    {
        Key = key;
        var der = key.ExportSubjectPublicKeyInfo();
        KeyId = Base64Url.EncodeToString(SHA256.HashData(der));
    }

    public ECDsa Key { get; }

    public string KeyId { get; }

    public static ServiceAccountKey LoadOrCreate(string dataDir)
    {
        var dir = Path.Combine(dataDir, "pki");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "service-account.key");
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new InvalidOperationException($"{path}: want a P-256 key for ES256, found {key.KeySize} bits");
            }
            return new ServiceAccountKey(key);
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        var temp = path + ".tmp";
        File.WriteAllText(temp, "");
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(temp, key.ExportPkcs8PrivateKeyPem() + "\n");
        File.Move(temp, path, overwrite: true);
        return new ServiceAccountKey(key);
    }

    /// <summary>For tests: a fresh key that is never written anywhere.</summary>
    public static ServiceAccountKey Ephemeral() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The public key as a JSON Web Key, as /openid/v1/jwks serves it.</summary>
    public JsonObject PublicJwk()
    {
        var p = Key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["use"] = "sig",
            ["kty"] = "EC",
            ["kid"] = KeyId,
            ["crv"] = "P-256",
            ["alg"] = Algorithm,
            ["x"] = Base64Url.EncodeToString(p.Q.X),
            ["y"] = Base64Url.EncodeToString(p.Q.Y),
        };
    }

    public void Dispose() => Key.Dispose();
}
