using System.Text;

namespace Axolotl.Client.Tests;

public class KubeconfigLoaderTests
{
    private const string CaPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    private static readonly string Config = $"""
        apiVersion: v1
        kind: Config
        current-context: axolotl
        clusters:
        - name: axolotl
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority-data: {Convert.ToBase64String(Encoding.UTF8.GetBytes(CaPem))}
        - name: other
          cluster:
            server: https://10.0.0.1:6443
            insecure-skip-tls-verify: true
        contexts:
        - name: axolotl
          context:
            cluster: axolotl
            user: admin
            namespace: team
        - name: other
          context:
            cluster: other
            user: reader
        users:
        - name: admin
          user:
            token: admin-token
        - name: reader
          user:
            token: reader-token
        """;

    [Fact]
    public void The_current_context_gives_server_ca_token_and_namespace()
    {
        var options = KubeconfigLoader.Parse(Config, "/tmp");

        Assert.Equal(new Uri("https://127.0.0.1:6443"), options.Server);
        Assert.Equal(CaPem, options.CertificateAuthorityPem);
        Assert.Equal("admin-token", options.BearerToken);
        Assert.Equal("team", options.DefaultNamespace);
        Assert.False(options.InsecureSkipTlsVerify);
    }

    [Fact]
    public void A_named_context_overrides_the_current_one()
    {
        var options = KubeconfigLoader.Parse(Config, "/tmp", context: "other");

        Assert.Equal(new Uri("https://10.0.0.1:6443"), options.Server);
        Assert.Equal("reader-token", options.BearerToken);
        Assert.True(options.InsecureSkipTlsVerify);
        Assert.Null(options.CertificateAuthorityPem);
    }

    [Fact]
    public void An_unknown_context_is_an_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => KubeconfigLoader.Parse(Config, "/tmp", context: "nope"));
        Assert.Contains("nope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_authority_file_is_read_relative_to_the_kubeconfig()
    {
        var dir = Directory.CreateTempSubdirectory("kubeconfig-test");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "ca.crt"), CaPem);
            File.WriteAllText(Path.Combine(dir.FullName, "config"), """
                current-context: c
                clusters: [{name: k, cluster: {server: "https://h:1", certificate-authority: ca.crt}}]
                contexts: [{name: c, context: {cluster: k, user: u}}]
                users: [{name: u, user: {token: t}}]
                """);

            var options = KubeconfigLoader.Load(Path.Combine(dir.FullName, "config"));

            Assert.Equal(CaPem, options.CertificateAuthorityPem);
            Assert.Equal("t", options.BearerToken);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
