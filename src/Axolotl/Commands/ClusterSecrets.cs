namespace Axolotl.Commands;

/// <summary>
/// `axolotl server --secrets-from DIR`: a further API server of a cluster on a shared etcd takes the
/// cluster's secrets from the first server's data directory (or a copy of it) before its first start:
/// the CAs, the service-account signing key, the admin and join tokens and the encryption keys, so
/// that tokens, certificates and encrypted Secrets written through one server are good on every
/// other. Its own serving certificate and kubelet client certificate it makes itself, signed by the
/// copied CA. A data directory that already holds a different CA is refused, never overwritten.
/// </summary>
public static class ClusterSecrets
{
    /// <summary>Paths relative to a data directory; a directory entry is copied with its files.</summary>
    public static readonly IReadOnlyList<string> Shared =
    [
        "pki/ca.crt", "pki/ca.key", "pki/kubelet-ca.crt", "pki/kubelet-ca.key", "pki/front-proxy-ca.crt", "pki/front-proxy-ca.key", "pki/service-account.key",
        "tokens/admin", "tokens/join", "join-token", "encryption-config.yaml",
    ];

    public static void CopyInto(string source, string dataDir)
    {
        source = Path.GetFullPath(source);
        if (!File.Exists(Path.Combine(source, "pki", "ca.key")))
        {
            throw new ArgumentException($"--secrets-from {source}: no cluster CA there (want another server's data directory, with pki/ca.key)");
        }
        if (source == Path.GetFullPath(dataDir))
        {
            throw new ArgumentException("--secrets-from names this server's own data directory");
        }
        var ownCa = Path.Combine(dataDir, "pki", "ca.crt");
        if (File.Exists(ownCa))
        {
            if (File.ReadAllText(ownCa) != File.ReadAllText(Path.Combine(source, "pki", "ca.crt")))
            {
                throw new ArgumentException($"--secrets-from {source}: {dataDir} already belongs to another cluster (its pki/ca.crt differs); give a fresh --data-dir");
            }
            // Copied on an earlier start: the server's own files (tokens minted since) win.
            return;
        }
        foreach (var relative in Shared)
        {
            var from = Path.Combine(source, relative);
            var to = Path.Combine(dataDir, relative);
            if (Directory.Exists(from))
            {
                DataDirectory.EnsurePrivate(to);
                foreach (var file in Directory.EnumerateFiles(from))
                {
                    CopyPrivate(file, Path.Combine(to, Path.GetFileName(file)));
                }
            }
            else if (File.Exists(from))
            {
                DataDirectory.EnsurePrivate(Path.GetDirectoryName(to)!);
                CopyPrivate(from, to);
            }
        }
    }

    private static void CopyPrivate(string from, string to)
    {
        File.Copy(from, to, overwrite: true);
        DataDirectory.MakeOwnerOnly(to);
    }
}
