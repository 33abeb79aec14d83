using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.ServiceAccounts;

/// <summary>
/// Compact JWS with ES256, just what service account tokens need. Verification accepts only the
/// one algorithm and key id this server signs with (no "none", no algorithm taken from the token),
/// bounds the token's size, and never throws on hostile input: a bad token is null.
/// </summary>
public static class Jwt
{
    /// <summary>Larger than any token this server issues; anything bigger is refused unread.</summary>
    public const int MaxLength = 16 * 1024;

    public static string Sign(JsonObject claims, ServiceAccountKey key)
    {
        var header = new JsonObject { ["alg"] = ServiceAccountKey.Algorithm, ["kid"] = key.KeyId };
        var signingInput = Encode(header) + "." + Encode(claims);
        var signature = key.Key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Whether the token is shaped like a JWS (three base64url parts), so other token kinds are not parsed as one.</summary>
    public static bool LooksLikeJwt(string token) =>
        token.Length <= MaxLength && token.Count(c => c == '.') == 2 && token.StartsWith("eyJ", StringComparison.Ordinal);

    /// <summary>The claims when the signature is this key's; null otherwise (malformed, another key or algorithm, bad signature).</summary>
    public static JsonObject? Verify(string token, ServiceAccountKey key)
    {
        if (!LooksLikeJwt(token))
        {
            return null;
        }
        var parts = token.Split('.');
        try
        {
            if (ParseObject(parts[0]) is not { } header ||
                header["alg"] is not JsonValue alg || alg.GetValueKind() != JsonValueKind.String || alg.GetValue<string>() != ServiceAccountKey.Algorithm ||
                (header["kid"] is { } kid && (kid.GetValueKind() != JsonValueKind.String || kid.GetValue<string>() != key.KeyId)) ||
                header["crit"] is not null)
            {
                return null;
            }
            var signature = Base64Url.DecodeFromChars(parts[2]);
            if (signature.Length != 64 ||
                !key.Key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return null;
            }
            return ParseObject(parts[1]);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or CryptographicException)
        {
            return null;
        }
    }

    private static string Encode(JsonObject obj) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(obj.ToJsonString()));

    private static JsonObject? ParseObject(string part) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(part), documentOptions: new JsonDocumentOptions { MaxDepth = 16 }) as JsonObject;
}
