using System.Security.Cryptography;
using System.Text;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// k3s's secure token: <c>K10&lt;CA hash&gt;::&lt;join token&gt;</c>, where the CA hash is the hex SHA-256 of the cluster
/// CA's PEM exactly as the server serves it at <c>/cacerts</c> (<see cref="ClusterCaEndpoint"/>). A joining node
/// fetches the CA without trusting it, checks it against the hash, and only then sends the join token
/// (ADR 0006, addendum of issue 32). A bare join token (no hash) is still accepted where the CA is given.
/// </summary>
public sealed record SecureJoinToken(string CaHash, JoinToken Token)
{
    public const string Prefix = "K10";
    private const string Separator = "::";
    private const int HashHexLength = 64;

    public override string ToString() => $"{Prefix}{CaHash}{Separator}{Token}";

    /// <summary>The token to print for a cluster whose CA is <paramref name="caPem"/>.</summary>
    public static SecureJoinToken For(string caPem, JoinToken token) => new(HashCa(Encoding.UTF8.GetBytes(caPem)), token);

    /// <summary>Hex SHA-256 of the CA bundle's bytes (for the CA Axolotl makes: <c>sha256sum DIR/pki/ca.crt</c>).</summary>
    public static string HashCa(ReadOnlySpan<byte> caBundle) => Convert.ToHexStringLower(SHA256.HashData(caBundle));

    /// <summary>Whether <paramref name="caBundle"/> is the CA this token pins (constant time).</summary>
    public bool Pins(ReadOnlySpan<byte> caBundle) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashCa(caBundle)), Encoding.ASCII.GetBytes(CaHash));

    /// <summary>
    /// A secure token, or a bare join token (<paramref name="caHash"/> null). On failure <paramref name="error"/> says
    /// what is wrong without quoting the text (it may hold a secret).
    /// </summary>
    public static bool TryParse(string? text, out JoinToken token, out string? caHash, out string? error)
    {
        token = new JoinToken("", "");
        caHash = null;
        text = text?.Trim() ?? "";
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            if (JoinToken.TryParse(text, out token))
            {
                error = null;
                return true;
            }
            error = text.Contains(Separator, StringComparison.Ordinal)
                ? $"a token with a CA hash starts with {Prefix} (K10<sha256 of the CA>::<token>)"
                : "want the token the server prints (K10<sha256 of the CA>::abcdef.0123456789abcdef) or a bare join token (abcdef.0123456789abcdef)";
            return false;
        }
        var separator = text.IndexOf(Separator, StringComparison.Ordinal);
        if (separator < 0)
        {
            error = $"a {Prefix} token is K10<sha256 of the CA>::<token>, and this one has no \"::\"";
            return false;
        }
        var hash = text[Prefix.Length..separator];
        var credentials = text[(separator + Separator.Length)..];
        if (HashProblem(hash) is { } problem)
        {
            error = problem;
            return false;
        }
        if (!JoinToken.TryParse(credentials, out token))
        {
            error = "the part after \"::\" is not a join token (want abcdef.0123456789abcdef: 6 and 16 characters of [a-z0-9])";
            return false;
        }
        caHash = hash.ToLowerInvariant();
        error = null;
        return true;
    }

    private static string? HashProblem(string hash)
    {
        if (hash.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) || hash.Contains(':', StringComparison.Ordinal))
        {
            return "the CA hash is the bare hex SHA-256 of the CA (K10<64 hex digits>::…), with no algorithm prefix such as kubeadm's sha256:";
        }
        if (!hash.All(char.IsAsciiHexDigit))
        {
            return "the CA hash is not hexadecimal (want 64 hex digits: the SHA-256 of the cluster CA)";
        }
        return hash.Length switch
        {
            HashHexLength => null,
            32 or 40 or 56 or 96 or 128 => $"the CA hash has {hash.Length} hex digits ({hash.Length * 4} bits: not SHA-256); want 64 (the SHA-256 of the cluster CA)",
            _ => $"the CA hash has {hash.Length} hex digits; want 64 (the SHA-256 of the cluster CA)",
        };
    }
}
