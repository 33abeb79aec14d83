using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Node join tokens kept server-side in DIR/tokens/join/&lt;id&gt;: the SHA-256 of the secret, the
/// expiry (Unix seconds, or "never") and, for a token scoped to one node, "node NAME", one per line
/// (a record of two lines, as earlier versions wrote, is unscoped). Only the hash is stored, so the directory does not
/// hand out tokens; `axolotl token create` and the server share it, and the server reads a token's
/// file when it is presented, so new tokens work without a restart.
/// </summary>
public sealed class JoinTokenStore(string dataDir, TimeProvider clock)
{
    private const string Never = "never";
    private const string NodePrefix = "node ";

    public string Directory { get; } = Path.Combine(dataDir, "tokens", "join");

    /// <summary>Where the server writes its standing join token for operators and tests.</summary>
    public static string JoinTokenFile(string dataDir) => Path.Combine(dataDir, "join-token");

    /// <summary>
    /// Mints a token valid for <paramref name="ttl"/> (null: never expires) and records it; with <paramref name="nodeName"/>
    /// the token may only obtain that node's certificate.
    /// </summary>
    public JoinToken Create(TimeSpan? ttl, string? nodeName = null)
    {
        System.IO.Directory.CreateDirectory(Directory);
        while (true)
        {
            var token = JoinToken.Generate();
            var expires = ttl is { } t ? clock.GetUtcNow().Add(t).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : Never;
            var path = Path.Combine(Directory, token.Id);
            try
            {
                // CreateNew: two concurrent mints never overwrite each other's id.
                using var stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                using var writer = new StreamWriter(stream);
                writer.Write($"{Hash(token.Secret)}\n{expires}\n{(nodeName is null ? "" : NodePrefix + nodeName + "\n")}");
                return token;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Id collision: draw again.
            }
        }
    }

    /// <summary>
    /// The server's standing join token: made on first start (and again once it expired or was removed)
    /// with a lifetime of <paramref name="ttl"/> (null: never expires) and written to DIR/join-token (0600);
    /// later starts return the same one while it is valid. <see cref="StandingJoinToken.Created"/> says
    /// whether it was made now, the only time the server prints it.
    /// </summary>
    public StandingJoinToken EnsureInitial(TimeSpan? ttl)
    {
        var file = JoinTokenFile(dataDir);
        if (File.Exists(file) && JoinToken.TryParse(File.ReadAllText(file).Trim(), out var existing) && Validate(existing.ToString()) == JoinTokenCheck.Valid)
        {
            return new StandingJoinToken(existing, Created: false, Expiry(existing));
        }
        var token = Create(ttl);
        var temp = file + ".tmp";
        File.WriteAllText(temp, token + "\n");
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, file, overwrite: true);
        return new StandingJoinToken(token, Created: true, Expiry(token));
    }

    /// <summary>When <paramref name="token"/> expires; null when it never does or has no record.</summary>
    public DateTimeOffset? Expiry(JoinToken token)
    {
        try
        {
            var lines = File.ReadAllLines(Path.Combine(Directory, token.Id));
            return lines.Length >= 2 && long.TryParse(lines[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public JoinTokenCheck Validate(string? text) => Validate(text, out _);

    /// <summary>As <see cref="Validate(string?)"/>; <paramref name="nodeName"/> is the node a valid token is scoped to (null: any).</summary>
    public JoinTokenCheck Validate(string? text, out string? nodeName)
    {
        nodeName = null;
        if (!JoinToken.TryParse(text, out var token))
        {
            return JoinTokenCheck.Unknown;
        }
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(Directory, token.Id));
        }
        catch (IOException)
        {
            return JoinTokenCheck.Unknown;
        }
        catch (UnauthorizedAccessException)
        {
            return JoinTokenCheck.Unknown;
        }
        if (lines.Length < 2 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token.Secret)), Encoding.ASCII.GetBytes(lines[0].Trim())))
        {
            return JoinTokenCheck.Unknown;
        }
        var expiry = lines[1].Trim();
        if (lines.Length > 2 && lines[2].StartsWith(NodePrefix, StringComparison.Ordinal))
        {
            nodeName = lines[2][NodePrefix.Length..].Trim();
        }
        if (expiry == Never)
        {
            return JoinTokenCheck.Valid;
        }
        return long.TryParse(expiry, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && clock.GetUtcNow().ToUnixTimeSeconds() < seconds
            ? JoinTokenCheck.Valid
            : JoinTokenCheck.Expired;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>The outcome of presenting a join token.</summary>
public enum JoinTokenCheck
{
    Unknown,
    Expired,
    Valid,
}

/// <summary>The server's standing join token, whether this start made it, and when it expires (null: never).</summary>
public sealed record StandingJoinToken(JoinToken Token, bool Created, DateTimeOffset? Expires);
