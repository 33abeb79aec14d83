using System.Security.Cryptography;
using System.Text;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Bearer tokens the server accepts: the admin token (DIR/tokens/admin, made on first start) and node
/// join tokens (<see cref="JoinTokenStore"/>), which authenticate a bootstrapper that may only ask for
/// a node certificate. Nodes themselves authenticate with client certificates (<see cref="ClientCertificateAuthenticator"/>).
/// </summary>
public sealed class TokenRegistry
{
    private readonly byte[] _admin;

    public string AdminToken { get; }

    public JoinTokenStore JoinTokens { get; }

    private TokenRegistry(string adminToken, JoinTokenStore joinTokens)
    {
        AdminToken = adminToken;
        JoinTokens = joinTokens;
        _admin = Encoding.UTF8.GetBytes(adminToken);
    }

    public static TokenRegistry LoadOrCreate(string dataDir, TimeProvider? clock = null)
    {
        var dir = Path.Combine(dataDir, "tokens");
        Directory.CreateDirectory(dir);
        // The shared kubelet token of earlier versions is replaced by certificates; it must not linger on disk.
        File.Delete(Path.Combine(dir, "kubelet-client"));
        return new TokenRegistry(LoadOrCreateSecret(Path.Combine(dir, "admin")), new JoinTokenStore(dataDir, clock ?? TimeProvider.System));
    }

    /// <summary>Constant-time comparison, so response timing does not reveal a token prefix.</summary>
    public bool IsValid(string? token) => Authenticate(token) is not null;

    /// <summary>The principal behind a bearer token: the admin, or a bootstrapper for a valid join token; null when unknown or expired.</summary>
    public Principal? Authenticate(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _admin))
        {
            return Principal.Admin;
        }
        return JoinTokens.Validate(token, out var nodeName) == JoinTokenCheck.Valid && JoinToken.TryParse(token, out var join)
            ? Principal.Bootstrap(join.Id) with { BootstrapNodeName = nodeName }
            : null;
    }

    private static string LoadOrCreateSecret(string path)
    {
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return File.ReadAllText(path).Trim();
    }
}
