using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// Node join tokens kept server-side in DIR/tokens/join/&lt;id&gt;: the SHA-256 of the secret and the
/// expiry (Unix seconds, or "never"), one per line. Only the hash is stored, so the directory does not
/// hand out tokens; `axolotl token create` and the server share it, and the server reads a token's
/// file when it is presented, so new tokens work without a restart.
/// </summary>
public sealed class JoinTokenStore(string dataDir, TimeProvider clock)
{
    private const string Never = "never";

    public string Directory { get; } = Path.Combine(dataDir, "tokens", "join");

    /// <summary>Where the server writes its standing join token for operators and tests.</summary>
    public static string JoinTokenFile(string dataDir) => Path.Combine(dataDir, "join-token");

    /// <summary>Mints a token valid for <paramref name="ttl"/> (null: never expires) and records it.</summary>
    public JoinToken Create(TimeSpan? ttl)
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
                writer.Write($"{Hash(token.Secret)}\n{expires}\n");
                return token;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Id collision: draw again.
            }
        }
    }

    /// <summary>
    /// The server's standing join token: made (without expiry) on first start and written to
    /// DIR/join-token; later starts return the same one while its record exists.
    /// </summary>
    public JoinToken EnsureInitial()
    {
        var file = JoinTokenFile(dataDir);
        if (File.Exists(file) && JoinToken.TryParse(File.ReadAllText(file).Trim(), out var existing) && Validate(existing.ToString()) == JoinTokenCheck.Valid)
        {
            return existing;
        }
        var token = Create(ttl: null);
        var temp = file + ".tmp";
        File.WriteAllText(temp, token + "\n");
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, file, overwrite: true);
        return token;
    }

    public JoinTokenCheck Validate(string? text)
    {
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
