using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Meta;
using Axolotl.ApiServer.Security;

namespace Axolotl.Commands;

/// <summary>`axolotl token create`: mints a node join token in a server's data dir and prints it.</summary>
public static class TokenCommand
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "data-dir", "ttl", "node-name" };

    public const string Usage = """
        Usage: axolotl token create [--data-dir DIR] [--ttl DURATION] [--node-name NAME]

        Mints a node join token and prints it as K10<sha256 of the cluster CA>::<token> (k3s's secure token):
        `axolotl agent --server URL --token TOKEN` on another machine fetches the cluster CA from the server and
        trusts it only if it has that hash. Run it where the server's data dir is; the running server accepts
        the token at once. A token obtains the certificate of a node that is not registered yet; it never
        obtains a registered node's (delete the Node first to join again under its name).

          --data-dir DIR    the server's data dir (default: $XDG_DATA_HOME/axolotl or ~/.local/share/axolotl)
          --ttl DURATION    how long the token is valid, e.g. 30m, 24h, 7d; 0 = never expires (default: 24h)
          --node-name NAME  the token may only join node NAME (default: any node name not yet taken)
        """;

    public static int Create(CommandLine args)
    {
        var dataDir = Path.GetFullPath(args.Get("data-dir") ?? DataDirectory.Default());
        if (!File.Exists(Path.Combine(dataDir, "tokens", "admin")))
        {
            throw new ArgumentException($"{dataDir} is not a server's data dir (no tokens/admin): give --data-dir");
        }
        var ttl = ParseTtl(args.Get("ttl") ?? "24h");
        var nodeName = args.Get("node-name");
        if (nodeName is not null && Api.Validation.NameRules.DNS1123Subdomain(nodeName) is { Count: > 0 } problems)
        {
            throw new ArgumentException($"invalid --node-name \"{nodeName}\": {string.Join("; ", problems)}");
        }
        var caPem = CaPem(dataDir);
        var token = new JoinTokenStore(dataDir, TimeProvider.System).Create(ttl, nodeName);
        Console.WriteLine(SecureJoinToken.For(caPem, token));
        return 0;
    }

    /// <summary>The cluster CA as the server serves it at /cacerts (the certificate, re-encoded as the server does).</summary>
    internal static string CaPem(string dataDir)
    {
        var path = Path.Combine(dataDir, "pki", "ca.crt");
        try
        {
            using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            return ca.ExportCertificatePem();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"cannot read the cluster CA {path}: {e.Message}");
        }
    }

    /// <summary>Go durations, plus days: "90s", "30m", "24h", "7d"; "0" is no expiry.</summary>
    public static TimeSpan? ParseTtl(string text) =>
        text == "0" ? null
        : TryParseTtl(text, out var ttl) && ttl > TimeSpan.Zero ? ttl
        : throw new ArgumentException($"invalid --ttl \"{text}\": want e.g. 30m, 24h or 7d (0 = never expires)");

    private static bool TryParseTtl(string text, out TimeSpan ttl)
    {
        if (text.EndsWith('d') && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var days) && days < TimeSpan.MaxValue.TotalDays)
        {
            ttl = TimeSpan.FromDays(days);
            return true;
        }
        return GoDuration.TryParse(text, out ttl, out _);
    }
}
