using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.ApiServer.Security;

namespace Axolotl.Commands;

/// <summary>
/// `axolotl kubeconfig --user NAME [--group G]…`: a user's credentials, as a cluster administrator
/// hands them out with a client certificate on Kubernetes. The certificate (CN=user, O=each group)
/// is signed by the cluster CA in the server's data dir; the kubeconfig embeds it with its key and
/// the CA, and points at the server the admin kubeconfig names. The user can do only what RBAC grants.
/// </summary>
public static class KubeconfigCommand
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "data-dir", "user", "group", "server", "out", "expiration" };

    public const string Usage = """
        Usage: axolotl kubeconfig --user NAME [--group GROUP]... [--data-dir DIR] [--server URL] [--out FILE] [--expiration D]

        Issues a client certificate for a user (CN=NAME, O=GROUP for each group) from the cluster CA and writes
        a kubeconfig with it. Run it where the server's data dir is. What the user may do is up to RBAC
        (kubectl create rolebinding … --user NAME).

          --user NAME      the user name the API server sees (not system:node:…, which only nodes get)
          --group GROUP    a group the user is in (repeatable); every user is also in system:authenticated
          --data-dir DIR   the server's data dir (default: $XDG_DATA_HOME/axolotl or ~/.local/share/axolotl)
          --server URL     the API server (default: the one DIR/kubeconfig names)
          --out FILE       where to write the kubeconfig (default: standard output)
          --expiration D   how long the certificate is valid, e.g. 24h, 30d (default: 365d)
        """;

    public static int Run(CommandLine args)
    {
        var user = args.Get("user") ?? throw new ArgumentException("--user is required");
        var groups = args.GetAll("group");
        var dataDir = Path.GetFullPath(args.Get("data-dir") ?? DataDirectory.Default());
        var server = args.Get("server") ?? ServerOf(Path.Combine(dataDir, "kubeconfig"));
        if (!Uri.TryCreate(server, UriKind.Absolute, out var url) || url.Scheme != "https")
        {
            throw new ArgumentException($"invalid --server \"{server}\": want an https URL");
        }
        var lifetime = TokenCommand.ParseTtl(args.Get("expiration") ?? "365d") ?? throw new ArgumentException("--expiration must be longer than 0");
        using var ca = Pki.LoadCa(dataDir);
        using var certificate = Pki.IssueClientCertificate(ca, user, groups, TimeProvider.System.GetUtcNow(), lifetime);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("issued certificate has no key");
        var yaml = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: axolotl
              cluster:
                server: {url.ToString().TrimEnd('/')}
                certificate-authority-data: {Base64(ca.ExportCertificatePem())}
            users:
            - name: {user}
              user:
                client-certificate-data: {Base64(certificate.ExportCertificatePem())}
                client-key-data: {Base64(key.ExportPkcs8PrivateKeyPem())}
            contexts:
            - name: {user}@axolotl
              context:
                cluster: axolotl
                user: {user}
                namespace: default
            current-context: {user}@axolotl
            preferences: {"{}"}

            """;
        if (args.Get("out") is { } file)
        {
            File.WriteAllText(file, yaml);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Console.Error.WriteLine($"kubeconfig for user \"{user}\" written to {file}");
        }
        else
        {
            Console.Write(yaml);
        }
        return 0;
    }

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));

    private static string ServerOf(string adminKubeconfig)
    {
        if (!File.Exists(adminKubeconfig))
        {
            throw new ArgumentException($"no {adminKubeconfig}: give --server or the server's --data-dir");
        }
        foreach (var line in File.ReadLines(adminKubeconfig))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("server:", StringComparison.Ordinal))
            {
                return trimmed["server:".Length..].Trim();
            }
        }
        throw new ArgumentException($"{adminKubeconfig} names no server: give --server");
    }
}
