using System.Security.Cryptography;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// A node join token in the bootstrap-token shape "abcdef.0123456789abcdef": a public id (six
/// characters, names the token on the server) and a secret (sixteen), both [a-z0-9].
/// </summary>
public sealed record JoinToken(string Id, string Secret)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public override string ToString() => $"{Id}.{Secret}";

    public static JoinToken Generate() => new(RandomText(6), RandomText(16));

    public static bool TryParse(string? text, out JoinToken token)
    {
        token = new JoinToken("", "");
        if (text is not { Length: 23 } || text[6] != '.')
        {
            return false;
        }
        var id = text[..6];
        var secret = text[7..];
        if (!id.All(IsTokenChar) || !secret.All(IsTokenChar))
        {
            return false;
        }
        token = new JoinToken(id, secret);
        return true;
    }

    private static bool IsTokenChar(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');

    private static string RandomText(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
