using System.Security.Cryptography;
using System.Text;

namespace Axolotl.ApiServer.Security;

/// <summary>Bearer tokens the server accepts: the admin token, kept in DIR/tokens/admin and made on first start.</summary>
public sealed class TokenRegistry
{
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);

    public string AdminToken { get; }

    private TokenRegistry(string adminToken)
    {
        AdminToken = adminToken;
        _tokens.Add(adminToken);
    }

    public static TokenRegistry LoadOrCreate(string dataDir)
    {
        var dir = Path.Combine(dataDir, "tokens");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "admin");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new TokenRegistry(File.ReadAllText(path).Trim());
    }

    /// <summary>Constant-time comparison, so response timing does not reveal a token prefix.</summary>
    public bool IsValid(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }
        var given = Encoding.UTF8.GetBytes(token);
        var valid = false;
        foreach (var known in _tokens)
        {
            valid |= CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(known));
        }
        return valid;
    }
}
