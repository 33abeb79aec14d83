using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Serialization;

namespace Axolotl.Client;

/// <summary>
/// Reads the parts of a kubeconfig file a client needs: the current (or named) context's cluster
/// server, its CA (certificate-authority-data or a certificate-authority file), and the user's token
/// (token or tokenFile) or client certificate. Everything else in the file is ignored.
/// </summary>
public static class KubeconfigLoader
{
    public static KubeClientOptions Load(string path, string? context = null)
    {
        var text = File.ReadAllText(path);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Parse(text, baseDirectory, context);
    }

    /// <summary>Parses kubeconfig text; relative file paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static KubeClientOptions Parse(string yaml, string baseDirectory, string? context = null)
    {
        var deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
        var config = deserializer.Deserialize<KubeconfigFile?>(yaml)
            ?? throw new InvalidDataException("the kubeconfig is empty");

        var contextName = context ?? config.CurrentContext;
        if (string.IsNullOrEmpty(contextName))
        {
            throw new InvalidDataException("the kubeconfig names no current-context");
        }
        var ctx = config.Contexts?.FirstOrDefault(c => c.Name == contextName)?.Context
            ?? throw new InvalidDataException($"context \"{contextName}\" is not in the kubeconfig");
        var cluster = config.Clusters?.FirstOrDefault(c => c.Name == ctx.Cluster)?.Cluster
            ?? throw new InvalidDataException($"cluster \"{ctx.Cluster}\" is not in the kubeconfig");
        var user = config.Users?.FirstOrDefault(u => u.Name == ctx.User)?.User;

        if (string.IsNullOrEmpty(cluster.Server))
        {
            throw new InvalidDataException($"cluster \"{ctx.Cluster}\" has no server");
        }

        string? caPem = null;
        if (!string.IsNullOrEmpty(cluster.CertificateAuthorityData))
        {
            caPem = DecodeBase64(cluster.CertificateAuthorityData);
        }
        else if (!string.IsNullOrEmpty(cluster.CertificateAuthority))
        {
            caPem = File.ReadAllText(Resolve(baseDirectory, cluster.CertificateAuthority));
        }

        string? token = user?.Token;
        if (string.IsNullOrEmpty(token) && !string.IsNullOrEmpty(user?.TokenFile))
        {
            token = File.ReadAllText(Resolve(baseDirectory, user.TokenFile)).Trim();
        }

        X509Certificate2? clientCertificate = null;
        var certPem = user?.ClientCertificateData is { Length: > 0 } cd ? DecodeBase64(cd)
            : user?.ClientCertificate is { Length: > 0 } cf ? File.ReadAllText(Resolve(baseDirectory, cf)) : null;
        var keyPem = user?.ClientKeyData is { Length: > 0 } kd ? DecodeBase64(kd)
            : user?.ClientKey is { Length: > 0 } kf ? File.ReadAllText(Resolve(baseDirectory, kf)) : null;
        if (certPem is not null && keyPem is not null)
        {
            clientCertificate = X509Certificate2.CreateFromPem(certPem, keyPem);
        }

        return new KubeClientOptions
        {
            Server = new Uri(cluster.Server),
            BearerToken = string.IsNullOrEmpty(token) ? null : token,
            CertificateAuthorityPem = caPem,
            InsecureSkipTlsVerify = cluster.InsecureSkipTlsVerify,
            ClientCertificate = clientCertificate,
            DefaultNamespace = string.IsNullOrEmpty(ctx.Namespace) ? null : ctx.Namespace,
        };
    }

    private static string Resolve(string baseDirectory, string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);

    private static string DecodeBase64(string data) => Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));

    // YamlDotNet needs settable properties on the model it fills.
    private sealed class KubeconfigFile
    {
        [YamlMember(Alias = "current-context")]
        public string? CurrentContext { get; set; }

        [YamlMember(Alias = "clusters")]
        public List<NamedCluster>? Clusters { get; set; }

        [YamlMember(Alias = "contexts")]
        public List<NamedContext>? Contexts { get; set; }

        [YamlMember(Alias = "users")]
        public List<NamedUser>? Users { get; set; }
    }

    private sealed class NamedCluster
    {
        [YamlMember(Alias = "name")]
        public string? Name { get; set; }

        [YamlMember(Alias = "cluster")]
        public ClusterEntry? Cluster { get; set; }
    }

    private sealed class ClusterEntry
    {
        [YamlMember(Alias = "server")]
        public string? Server { get; set; }

        [YamlMember(Alias = "certificate-authority-data")]
        public string? CertificateAuthorityData { get; set; }

        [YamlMember(Alias = "certificate-authority")]
        public string? CertificateAuthority { get; set; }

        [YamlMember(Alias = "insecure-skip-tls-verify")]
        public bool InsecureSkipTlsVerify { get; set; }
    }

    private sealed class NamedContext
    {
        [YamlMember(Alias = "name")]
        public string? Name { get; set; }

        [YamlMember(Alias = "context")]
        public ContextEntry? Context { get; set; }
    }

    private sealed class ContextEntry
    {
        [YamlMember(Alias = "cluster")]
        public string? Cluster { get; set; }

        [YamlMember(Alias = "user")]
        public string? User { get; set; }

        [YamlMember(Alias = "namespace")]
        public string? Namespace { get; set; }
    }

    private sealed class NamedUser
    {
        [YamlMember(Alias = "name")]
        public string? Name { get; set; }

        [YamlMember(Alias = "user")]
        public UserEntry? User { get; set; }
    }

    private sealed class UserEntry
    {
        [YamlMember(Alias = "token")]
        public string? Token { get; set; }

        [YamlMember(Alias = "tokenFile")]
        public string? TokenFile { get; set; }

        [YamlMember(Alias = "client-certificate-data")]
        public string? ClientCertificateData { get; set; }

        [YamlMember(Alias = "client-key-data")]
        public string? ClientKeyData { get; set; }

        [YamlMember(Alias = "client-certificate")]
        public string? ClientCertificate { get; set; }

        [YamlMember(Alias = "client-key")]
        public string? ClientKey { get; set; }
    }
}
