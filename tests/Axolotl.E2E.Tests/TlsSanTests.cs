using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>
/// The serving certificate names every address the server listens on, the kubernetes Service's names and
/// ClusterIP, and the --tls-san extras, so clients verify it by any of them (issue 15 item 6).
/// </summary>
public sealed class TlsSanTests(TlsSanFixture fx) : IClassFixture<TlsSanFixture>
{
    [Fact]
    public async Task The_served_certificate_names_the_tls_sans_the_kubernetes_service_and_the_host()
    {
        var served = await ServedCertificateAsync(fx.Server);
        var san = served.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        var names = san.EnumerateDnsNames().ToList();
        var addresses = san.EnumerateIPAddresses().ToList();

        foreach (var name in new[] { "axolotl.example.test", "api.example.test", "localhost", Dns.GetHostName(),
                     "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local" })
        {
            Assert.Contains(name, names);
        }
        var serviceNetwork = fx.Server.ServiceCidr.Split('/')[0];
        var kubernetesServiceIp = IPAddress.Parse(serviceNetwork[..serviceNetwork.LastIndexOf('.')] + ".1");
        foreach (var address in new[] { IPAddress.Parse("10.96.77.77"), IPAddress.Loopback, IPAddress.IPv6Loopback, kubernetesServiceIp })
        {
            Assert.Contains(address, addresses);
        }
        // The same certificate is on disk (ServedCertificateAsync checked it chains to the cluster CA).
        var onDisk = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(fx.Server.DataDir, "pki", "apiserver.crt")));
        Assert.Equal(onDisk.Thumbprint, served.Thumbprint);
    }

    [Fact]
    public async Task Kubectl_verifies_the_server_by_localhost_and_by_a_tls_san_name()
    {
        var port = fx.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var byLocalhost = await fx.Kubectl.OkAsync("--server", $"https://localhost:{port}", "get", "namespace", "default", "-o", "name");
        var byTlsSan = await fx.Kubectl.OkAsync("--server", $"https://127.0.0.1:{port}", "--tls-server-name", "axolotl.example.test", "get", "namespace", "default", "-o", "name");
        var unnamed = await fx.Kubectl.FailAsync("--server", $"https://127.0.0.1:{port}", "--tls-server-name", "other.example.test", "get", "namespace", "default");

        Assert.Equal("namespace/default", byLocalhost.Trim());
        Assert.Equal("namespace/default", byTlsSan.Trim());
        Assert.Contains("x509: certificate is valid for", unnamed, StringComparison.Ordinal);
        Assert.Contains("not other.example.test", unnamed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Not_A_Name", "error: invalid --tls-san \"Not_A_Name\": want a DNS name or an IP address: a lowercase RFC 1123 subdomain")]
    [InlineData("ok.example.test,10.96.77.777", "error: invalid --tls-san \"10.96.77.777\": not a valid IP address")]
    public async Task An_invalid_tls_san_stops_the_server_before_it_starts_naming_the_flag(string value, string message)
    {
        var dataDir = Directory.CreateTempSubdirectory("axolotl-e2e-tlssan-").FullName;
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                AxolotlServer.StartAsync(dataDir, extraArgs: ["--tls-san", value]));

            Assert.Contains("axolotl server exited with 2:", error.Message, StringComparison.Ordinal);
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dataDir, "state.db")), "nothing was started");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Bound_to_every_address_the_certificate_names_every_IPv4_address_of_this_host()
    {
        // Other servers of the suite add and remove their pod bridges meanwhile: check the addresses
        // present both before and after this server made its certificate.
        var before = HostIPv4Addresses();
        await using var server = await AxolotlServer.StartAsync(extraArgs: ["--bind", "0.0.0.0", "--local-agent", "false"]);
        var stable = before.Intersect(HostIPv4Addresses()).ToList();

        var san = (await ServedCertificateAsync(server)).Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        var named = san.EnumerateIPAddresses().ToHashSet();

        Assert.NotEmpty(stable);
        Assert.All(stable, address => Assert.Contains(address, named));
    }

    /// <summary>IPv4 addresses of this host's interfaces, without cluster IPs that service proxies put on links (10.96.0.0/16).</summary>
    private static List<IPAddress> HostIPv4Addresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !(a.GetAddressBytes() is [10, 96, _, _]))
            .ToList();

    /// <summary>The certificate the server presents on loopback, which must chain to its cluster CA (the names are the test's to check).</summary>
    private static async Task<X509Certificate2> ServedCertificateAsync(AxolotlServer server)
    {
        var caPath = Path.Combine(server.DataDir, "pki", "ca.crt");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        X509Certificate2? served = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            served = certificate is null ? null : new X509Certificate2(certificate);
            return served is not null && ChainsTo(served, caPath);
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return served ?? throw new InvalidOperationException("the server presented no certificate");
    }

    private static bool ChainsTo(X509Certificate2 certificate, string caPath)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(File.ReadAllText(caPath)));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
