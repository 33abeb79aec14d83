using System.Security.Cryptography;
using System.Text;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Bearer tokens the server accepts: the admin token (DIR/tokens/admin, made on first start) and node
/// join tokens (<see cref="JoinTokenStore"/>). Also holds the token the API server presents to node
/// agents when it proxies logs and exec (DIR/tokens/kubelet-client), which the API server itself does
/// not accept, so a node that sees it gains nothing here.
/// </summary>
public sealed class TokenRegistry
{
    private readonly byte[] _admin;

    public string AdminToken { get; }

    /// <summary>What the API server sends to agents' kubelet endpoints; agents read it from a Secret in kube-system.</summary>
    public string KubeletClientToken { get; }

    public JoinTokenStore JoinTokens { get; }

    private TokenRegistry(string adminToken, string kubeletClientToken, JoinTokenStore joinTokens)
    {
        AdminToken = adminToken;
        KubeletClientToken = kubeletClientToken;
        JoinTokens = joinTokens;
        _admin = Encoding.UTF8.GetBytes(adminToken);
    }

    public static TokenRegistry LoadOrCreate(string dataDir, TimeProvider? clock = null)
    {
        var dir = Path.Combine(dataDir, "tokens");
        Directory.CreateDirectory(dir);
        return new TokenRegistry(LoadOrCreateSecret(Path.Combine(dir, "admin")), LoadOrCreateSecret(Path.Combine(dir, "kubelet-client")),
            new JoinTokenStore(dataDir, clock ?? TimeProvider.System));
    }

    /// <summary>Constant-time comparison, so response timing does not reveal a token prefix.</summary>
    public bool IsValid(string? token) => Authenticate(token, null) is not null;

    /// <summary>
    /// The principal behind a bearer token: the admin, or (for a valid join token) the node named by
    /// <paramref name="nodeName"/> (an unnamed node without it); null when the token is unknown or expired, or the name is not a valid node name.
    /// </summary>
    public Principal? Authenticate(string? token, string? nodeName)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _admin))
        {
            return Principal.Admin;
        }
        if (JoinTokens.Validate(token) != JoinTokenCheck.Valid)
        {
            return null;
        }
        // Without a name (kubectl with the token, say) it is a node that can read but owns no Node or Lease.
        if (string.IsNullOrEmpty(nodeName))
        {
            return Principal.Node("");
        }
        return Api.Validation.NameRules.DNS1123Subdomain(nodeName).Count == 0 ? Principal.Node(nodeName) : null;
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
