using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.ApiServer.Security;
using Axolotl.NodeIdentity;

namespace Axolotl.Cli.Tests;

/// <summary>
/// The agent's first step with a secure token, against loopback HTTPS servers the test runs: the CA is trusted only
/// when its hash is the token's and the server's own certificate chains to it; every other answer is refused with
/// the reason.
/// </summary>
public sealed class ClusterCaDiscoveryTests
{
    private static readonly JoinToken Join = new("abcdef", "0123456789abcdef");

    [Fact]
    public async Task The_ca_whose_hash_the_token_carries_is_returned_when_the_server_chains_to_it()
    {
        using var cluster = TestCa.Create("cluster");
        await using var server = LoopbackServer.Start(cluster.Leaf, Ok(cluster.Pem));

        var pem = await ClusterCaDiscovery.FetchAsync(server.Url, SecureJoinToken.For(cluster.Pem, Join), TimeProvider.System, CancellationToken.None);

        Assert.Equal(cluster.Pem, pem);
        Assert.Equal("GET /cacerts HTTP/1.1", server.RequestLines.Single());
    }

    [Fact]
    public async Task A_server_presenting_another_ca_is_refused_with_both_hashes()
    {
        using var cluster = TestCa.Create("cluster");
        using var other = TestCa.Create("impostor");
        await using var server = LoopbackServer.Start(other.Leaf, Ok(other.Pem));
        var token = SecureJoinToken.For(cluster.Pem, Join);

        var e = await Assert.ThrowsAsync<NodeIdentityException>(() => ClusterCaDiscovery.FetchAsync(server.Url, token, TimeProvider.System, CancellationToken.None));

        Assert.Contains($"presents a cluster CA with SHA-256 {SecureJoinToken.HashCa(Encoding.UTF8.GetBytes(other.Pem))}, but the token pins {token.CaHash}: refusing to trust it", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Join.Secret, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_serving_the_pinned_ca_with_a_certificate_from_another_is_refused()
    {
        using var cluster = TestCa.Create("cluster");
        using var other = TestCa.Create("impostor");
        await using var server = LoopbackServer.Start(other.Leaf, Ok(cluster.Pem));

        var e = await Assert.ThrowsAsync<NodeIdentityException>(() =>
            ClusterCaDiscovery.FetchAsync(server.Url, SecureJoinToken.For(cluster.Pem, Join), TimeProvider.System, CancellationToken.None));

        Assert.Contains("serves the cluster CA the token pins, but its own certificate (CN=impostor-server) does not chain to it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_cacerts_is_refused_with_its_status()
    {
        using var cluster = TestCa.Create("cluster");
        await using var server = LoopbackServer.Start(cluster.Leaf, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());

        var e = await Assert.ThrowsAsync<NodeIdentityException>(() =>
            ClusterCaDiscovery.FetchAsync(server.Url, SecureJoinToken.For(cluster.Pem, Join), TimeProvider.System, CancellationToken.None));

        Assert.Contains("answered GET /cacerts with 404 Not Found: it does not serve the cluster CA", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_past_64_KiB_is_refused_whether_declared_or_not(bool declared)
    {
        using var cluster = TestCa.Create("cluster");
        var body = new byte[ClusterCaDiscovery.MaxBundleBytes + 1];
        var head = declared
            ? $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
        await using var server = LoopbackServer.Start(cluster.Leaf, [.. Encoding.ASCII.GetBytes(head), .. body]);

        var e = await Assert.ThrowsAsync<NodeIdentityException>(() =>
            ClusterCaDiscovery.FetchAsync(server.Url, SecureJoinToken.For(cluster.Pem, Join), TimeProvider.System, CancellationToken.None));

        Assert.Contains("with more than 64 KiB: not a CA bundle", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Ok(string pem)
    {
        var body = Encoding.UTF8.GetBytes(pem);
        return [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/x-pem-file\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body];
    }

    /// <summary>A CA and a server certificate from it for 127.0.0.1.</summary>
    private sealed class TestCa : IDisposable
    {
        private TestCa(X509Certificate2 ca, X509Certificate2 leaf)
        {
            Ca = ca;
            Leaf = leaf;
        }

        public X509Certificate2 Ca { get; }
        public X509Certificate2 Leaf { get; }
        public string Pem => Ca.ExportCertificatePem();

        public static TestCa Create(string name)
        {
            var now = DateTimeOffset.UtcNow;
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest($"CN={name}-ca", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
            var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
            using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var leafRequest = new CertificateRequest($"CN={name}-server", leafKey, HashAlgorithmName.SHA256);
            leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            leafRequest.CertificateExtensions.Add(san.Build());
            using var signed = leafRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
            using var withKey = signed.CopyWithPrivateKey(leafKey);
            // Through PKCS#12 so that SslStream can use the key on every platform.
            var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            return new TestCa(ca, leaf);
        }

        public void Dispose()
        {
            Ca.Dispose();
            Leaf.Dispose();
        }
    }

    /// <summary>A loopback HTTPS server that answers every request with the same bytes and records the request lines.</summary>
    private sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _requestLines = [];
        private Task _loop = Task.CompletedTask;

        public Uri Url => new($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public IReadOnlyList<string> RequestLines { get { lock (_requestLines) { return [.. _requestLines]; } } }

        public static LoopbackServer Start(X509Certificate2 certificate, byte[] response)
        {
            var server = new LoopbackServer();
            server._listener.Start();
            server._loop = server.RunAsync(certificate, response);
            return server;
        }

        private async Task RunAsync(X509Certificate2 certificate, byte[] response)
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                using (client)
                {
                    try
                    {
                        await using var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, _stop.Token);
                        var head = new StringBuilder();
                        var buffer = new byte[1];
                        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await tls.ReadAsync(buffer, _stop.Token) == 1)
                        {
                            head.Append((char)buffer[0]);
                        }
                        lock (_requestLines)
                        {
                            _requestLines.Add(head.ToString().Split("\r\n")[0]);
                        }
                        await tls.WriteAsync(response, _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                    {
                        // The client hung up (it refused the body): the next connection.
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}
