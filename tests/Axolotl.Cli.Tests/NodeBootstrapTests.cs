using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Certificates;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Controllers.Certificates;
using Axolotl.NodeIdentity;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Cli.Tests;

/// <summary>
/// TLS bootstrap as `axolotl agent --fake-nodes` runs it, against the in-process API server and the real CSR
/// controller: nodes sharing one join-token client still each get their own key and certificate (watched for,
/// not polled), each certificate is its node's identity and no other's, and the node's connection trusts only
/// a server whose certificate chains to the cluster CA.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NodeBootstrapTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("axolotl-bootstrap-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private InProcessCluster _cluster = null!;
    private CertificateSigningController? _signer;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _token = _cluster.Host.Tokens.JoinTokens.EnsureInitial(TimeSpan.FromHours(1)).Token.ToString();
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_signer is not null)
        {
            await _signer.DisposeAsync();
        }
        await _cluster.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private string CaPem => _cluster.Host.Pki.CaPem;

    private void StartSigner()
    {
        var signing = new CertificateSigningOptions { ClientCa = _cluster.Host.Pki.Ca, ServingCa = _cluster.Host.Pki.KubeletCa };
        _signer = new CertificateSigningController(_cluster.Client, NullLoggerFactory.Instance, TimeProvider.System, signing);
        _signer.Start(_stop.Token);
    }

    private Task<NodeCredentials> JoinAsync(string name, KubeClient bootstrap) =>
        NodeCredentials.EstablishAsync(_cluster.Host.LoopbackUrl, CaPem, _token, name, Path.Combine(_dataDir, name), null, TimeProvider.System,
            NullLogger.Instance, _stop.Token, bootstrap);

    [Fact]
    public async Task Nodes_sharing_one_bootstrap_client_each_get_their_own_key_and_certificate()
    {
        StartSigner();
        using var bootstrap = NodeCredentials.CreateBootstrapClient(_cluster.Host.LoopbackUrl, CaPem, _token, "fake nodes");
        var names = Enumerable.Range(0, 4).Select(i => $"fake-{i}").ToArray();

        var joined = await Task.WhenAll(names.Select(n => JoinAsync(n, bootstrap))).WaitAsync(TimeSpan.FromSeconds(60));

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, credentials) in names.Zip(joined))
        {
            var certificate = credentials.Client.Current;
            Assert.Equal(KubeletSigners.NodeUserPrefix + name, certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
            Assert.Equal([KubeletSigners.NodesGroup], CertificateChain.Organizations(certificate.SubjectName));
            Assert.True(CertificateChain.Verify(certificate, _cluster.Host.Pki.Ca, CertificateChain.ClientAuth, DateTimeOffset.UtcNow));
            Assert.True(certificate.HasPrivateKey);
            Assert.True(keys.Add(Convert.ToBase64String(certificate.PublicKey.EncodedKeyValue.RawData)), $"{name} shares a key with another node");
            Assert.True(File.Exists(Path.Combine(_dataDir, name, "pki", "kubelet-client-current.pem")));
        }
        // One request per node, each approved and issued by the controller.
        var requests = await _cluster.Client.Resource<CertificateSigningRequest>().ListAsync(null, null, CancellationToken.None);
        Assert.Equal(names.Length, requests.Items.Count(r => r.Status?.Certificate is { Length: > 0 }));
    }

    [Fact]
    public async Task A_node_certificate_writes_its_own_Node_and_is_refused_another_nodes()
    {
        StartSigner();
        using var bootstrap = NodeCredentials.CreateBootstrapClient(_cluster.Host.LoopbackUrl, CaPem, _token, "fake nodes");
        var a = await JoinAsync("fake-a", bootstrap).WaitAsync(TimeSpan.FromSeconds(60));
        var b = await JoinAsync("fake-b", bootstrap).WaitAsync(TimeSpan.FromSeconds(60));
        using var asA = a.CreateClient(_cluster.Host.LoopbackUrl, CaPem);
        using var asB = b.CreateClient(_cluster.Host.LoopbackUrl, CaPem);
        await asA.CreateAsync(NewNode("fake-a"), CancellationToken.None);
        var nodeB = await asB.CreateAsync(NewNode("fake-b"), CancellationToken.None);

        nodeB.Metadata.Labels!["taken-over"] = "yes";
        var update = await Assert.ThrowsAsync<KubeApiException>(() => asA.UpdateAsync(nodeB, CancellationToken.None));
        var status = await Assert.ThrowsAsync<KubeApiException>(() => asA.UpdateStatusAsync(nodeB, CancellationToken.None));
        var create = await Assert.ThrowsAsync<KubeApiException>(() => asA.CreateAsync(NewNode("fake-c"), CancellationToken.None));

        Assert.Equal(403, update.Code);
        Assert.Equal(403, status.Code);
        Assert.Equal(403, create.Code);
    }

    [Fact]
    public async Task A_request_deleted_while_the_node_waits_ends_the_wait_with_the_reason()
    {
        // No controller: the request stays pending until the test deletes it.
        using var bootstrap = NodeCredentials.CreateBootstrapClient(_cluster.Host.LoopbackUrl, CaPem, _token, "fake nodes");
        var (key, pem) = NodeCertificateRequests.Create("fake-deleted");
        using (key)
        {
            var waiting = NodeCertificateRequests.RequestAsync(bootstrap, KubeletSigners.Client, key, pem, NodeCertificateRequests.ClientUsages, TimeProvider.System,
                _stop.Token);
            var pending = await Eventually.UntilAsync(() => _cluster.Client.Resource<CertificateSigningRequest>().ListAsync(null, null, CancellationToken.None),
                list => list.Items.Count == 1, "the node's request to be created");
            await _cluster.Client.DeleteAsync<CertificateSigningRequest>(null, pending.Items[0].Metadata.Name!, null, CancellationToken.None);

            var refused = await Assert.ThrowsAsync<NodeIdentityException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("was deleted before a certificate was issued", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_node_connection_refuses_a_server_whose_certificate_does_not_chain_to_the_given_ca()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=another-ca", otherKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var otherCa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var trusting = NodeCredentials.CreateBootstrapClient(_cluster.Host.LoopbackUrl, CaPem, _token, "right ca");
        using var distrusting = NodeCredentials.CreateBootstrapClient(_cluster.Host.LoopbackUrl, otherCa.ExportCertificatePem(), _token, "wrong ca");

        await trusting.Resource<CertificateSigningRequest>().ListAsync(null, null, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => distrusting.Resource<CertificateSigningRequest>().ListAsync(null, null, CancellationToken.None));

        Assert.Equal(HttpRequestError.SecureConnectionError, refused.HttpRequestError);
    }

    private static Api.Core.Node NewNode(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new ObjectMeta { Name = name, Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/hostname"] = name } },
    };
}
