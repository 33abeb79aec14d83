using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Certificates;
using Axolotl.Client;
using Axolotl.Controllers.Certificates;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.NodeIdentity;

/// <summary>
/// A joined node's identity, after the kubelet's TLS bootstrap: a client certificate for the API server
/// (asked for once with the join token, kept in DATA/pki/kubelet-client-current.pem and reused at
/// every start while valid) and a serving certificate for its kubelet endpoint naming its addresses
/// (asked for with the client certificate, DATA/pki/kubelet-server-current.pem). Both are renewed
/// 70–90 % through their lifetime by <see cref="RunRotationAsync"/>.
/// </summary>
public sealed partial class NodeCredentials
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private readonly (IReadOnlyCollection<string> Dns, IReadOnlyCollection<IPAddress> Addresses)? _servingNames;

    private NodeCredentials(string nodeName, RotatingCertificate client, RotatingCertificate? serving,
        (IReadOnlyCollection<string> Dns, IReadOnlyCollection<IPAddress> Addresses)? servingNames)
    {
        NodeName = nodeName;
        Client = client;
        Serving = serving;
        _servingNames = servingNames;
    }

    public string NodeName { get; }

    public RotatingCertificate Client { get; }

    /// <summary>Null for nodes without a kubelet endpoint (fake nodes).</summary>
    public RotatingCertificate? Serving { get; }

    /// <summary>
    /// The client certificate of this node's edge controllers (Ingress and Gateway API), system:axolotl-ingress-controller:NAME,
    /// DATA/pki/ingress-controller-client-current.pem; null until <see cref="WithIngressControllerAsync"/>, and on the server's own
    /// node (whose controllers run as the server's component).
    /// </summary>
    public RotatingCertificate? IngressController { get; private init; }

    /// <summary>How long a node waits for its edge controllers' certificate before starting without them.</summary>
    private static readonly TimeSpan IngressControllerWaitLimit = TimeSpan.FromSeconds(30);

    /// <summary>The smallest spec.expirationSeconds the API accepts (upstream's 10 minutes).</summary>
    private const int MinExpirationSeconds = 600;

    /// <summary>
    /// Loads or obtains the node's certificates; <paramref name="servingNames"/> null asks for no serving certificate.
    /// The join token is used only when there is no valid client certificate yet.
    /// </summary>
    /// <param name="sharedBootstrap">
    /// A client with the join token that several nodes of one process share (<see cref="CreateBootstrapClient"/>: they
    /// all hold the same token, so one connection serves their requests); null: this node opens its own when it needs one.
    /// </param>
    public static async Task<NodeCredentials> EstablishAsync(Uri server, string caPem, string joinToken, string nodeName, string dataDir,
        (IReadOnlyCollection<string> Dns, IReadOnlyCollection<IPAddress> Addresses)? servingNames, TimeProvider clock, ILogger log, CancellationToken ct,
        KubeClient? sharedBootstrap = null)
    {
        var pki = Path.Combine(dataDir, "pki");
        var clientFile = Path.Combine(pki, "kubelet-client-current.pem");
        var client = Usable(CertificateFiles.Load(clientFile), nodeName, clock, null);
        if (client is null)
        {
            using var own = sharedBootstrap is null ? CreateBootstrapClient(server, caPem, joinToken, nodeName) : null;
            var bootstrap = sharedBootstrap ?? own!;
            var (key, pem) = NodeCertificateRequests.Create(nodeName);
            using (key)
            {
                client = await NodeCertificateRequests.RequestAsync(bootstrap, KubeletSigners.Client, key, pem, NodeCertificateRequests.ClientUsages, clock, ct);
            }
            CertificateFiles.Save(clientFile, client);
            var notAfter = client.NotAfter.ToUniversalTime();
            LogBootstrapped(log, nodeName, notAfter);
        }
        var credentials = new NodeCredentials(nodeName, new RotatingCertificate(client, clientFile), null, null);
        if (servingNames is not { } names)
        {
            return credentials;
        }
        var servingFile = Path.Combine(pki, "kubelet-server-current.pem");
        var serving = Usable(CertificateFiles.Load(servingFile), nodeName, clock, names.Addresses);
        if (serving is null)
        {
            using var nodeClient = credentials.CreateClient(server, caPem);
            serving = await RequestServingAsync(nodeClient, nodeName, names, clock, ct);
            CertificateFiles.Save(servingFile, serving);
        }
        return new NodeCredentials(nodeName, credentials.Client, new RotatingCertificate(serving, servingFile), names);
    }

    /// <summary>A client that authenticates with the join token (TLS bootstrap); <paramref name="who"/> names the node(s) in its user agent.</summary>
    public static KubeClient CreateBootstrapClient(Uri server, string caPem, string joinToken, string who) => new(new KubeClientOptions
    {
        Server = server,
        BearerToken = joinToken,
        Handler = ApiServerTls.CreateHandler(caPem),
        UserAgent = $"axolotl-agent/v0.1.0 ({who}) bootstrap",
    });

    /// <summary>
    /// The server's own node: its certificates are issued in process by the same signer the CSR
    /// controller uses (no join token, no request object), kept in DATA/pki like a joined node's, and
    /// renewed through CertificateSigningRequests like theirs.
    /// </summary>
    public static NodeCredentials IssueLocally(CertificateSigningOptions signing, string nodeName, string dataDir,
        (IReadOnlyCollection<string> Dns, IReadOnlyCollection<IPAddress> Addresses) servingNames, TimeProvider clock)
    {
        var pki = Path.Combine(dataDir, "pki");
        var clientFile = Path.Combine(pki, "kubelet-client-current.pem");
        var servingFile = Path.Combine(pki, "kubelet-server-current.pem");
        var client = Usable(CertificateFiles.Load(clientFile), nodeName, clock, null) ?? IssueAndSave(signing, KubeletSigners.Client, nodeName, null, clientFile, clock);
        var serving = Usable(CertificateFiles.Load(servingFile), nodeName, clock, servingNames.Addresses)
            ?? IssueAndSave(signing, KubeletSigners.Serving, nodeName, servingNames, servingFile, clock);
        return new NodeCredentials(nodeName, new RotatingCertificate(client, clientFile), new RotatingCertificate(serving, servingFile), servingNames);
    }

    private static X509Certificate2 IssueAndSave(CertificateSigningOptions signing, string signer, string nodeName,
        (IReadOnlyCollection<string> Dns, IReadOnlyCollection<IPAddress> Addresses)? names, string file, TimeProvider clock)
    {
        var (key, pem) = NodeCertificateRequests.Create(nodeName, names?.Dns, names?.Addresses);
        using (key)
        {
            var csr = new CertificateSigningRequest
            {
                Spec = new CertificateSigningRequestSpec
                {
                    Request = System.Text.Encoding.ASCII.GetBytes(pem),
                    SignerName = signer,
                    Usages = [.. signer == KubeletSigners.Serving ? NodeCertificateRequests.ServingUsages : NodeCertificateRequests.ClientUsages],
                },
            };
            var (issued, failure) = CertificateIssuer.Issue(csr, signing, clock.GetUtcNow());
            if (issued is null)
            {
                throw new NodeIdentityException($"cannot issue the local node's certificate: {failure}");
            }
            using var certificate = X509Certificate2.CreateFromPem(issued);
            var withKey = certificate.CopyWithPrivateKey(key);
            CertificateFiles.Save(file, withKey);
            return withKey;
        }
    }

    /// <summary>
    /// These credentials with the edge controllers' certificate: the stored one while it is this node's, valid and no
    /// longer-lived than the node's client certificate, else a new one asked for as the node (its request names the
    /// node's edge identity and a lifetime ending with the node's certificate; the server refuses anything else).
    /// </summary>
    public async Task<NodeCredentials> WithIngressControllerAsync(Uri server, string caPem, string dataDir, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        var file = Path.Combine(dataDir, "pki", "ingress-controller-client-current.pem");
        var certificate = UsableIngressController(CertificateFiles.Load(file), clock);
        if (certificate is null)
        {
            using var nodeClient = CreateClient(server, caPem, clock);
            certificate = await RequestIngressControllerAsync(nodeClient, clock, ct);
            CertificateFiles.Save(file, certificate);
            var notAfter = certificate.NotAfter.ToUniversalTime();
            LogIngressControllerIssued(log, NodeName, notAfter);
        }
        return new NodeCredentials(NodeName, Client, Serving, _servingNames) { IngressController = new RotatingCertificate(certificate, file) };
    }

    /// <summary>A client that authenticates as this node's edge controllers; requires <see cref="WithIngressControllerAsync"/> first.</summary>
    public KubeClient CreateIngressControllerClient(Uri server, string caPem, TimeProvider clock, IReadOnlyList<Uri>? failover = null) => new(new KubeClientOptions
    {
        Server = server,
        FailoverServers = failover ?? [],
        Handler = ApiServerTls.CreateHandler(caPem, IngressController ?? throw new InvalidOperationException("no ingress controller certificate yet"), clock),
        UserAgent = $"axolotl-ingress-controller/v0.1.0 ({NodeName})",
    });

    private async Task<X509Certificate2> RequestIngressControllerAsync(KubeClient nodeClient, TimeProvider clock, CancellationToken ct)
    {
        var left = (long)(Client.Current.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime).TotalSeconds;
        if (left < MinExpirationSeconds)
        {
            throw new NodeIdentityException($"the node's client certificate expires in {left} s: the ingress controller's certificate waits for its renewal");
        }
        var (key, pem) = NodeCertificateRequests.CreateIngressController(NodeName);
        using (key)
        {
            // The server approves a node's own request at once; one that waits is a server that does not (the node then
            // starts without its edge controllers rather than not at all).
            return await NodeCertificateRequests.RequestAsync(nodeClient, IngressControllerIdentity.Signer, key, pem, NodeCertificateRequests.ClientUsages,
                (int)Math.Min(left, int.MaxValue), IngressControllerWaitLimit, clock, ct);
        }
    }

    /// <summary>A stored edge certificate is reused while it names this node, is not expired and ends no later than the node's own.</summary>
    private X509Certificate2? UsableIngressController(X509Certificate2? certificate, TimeProvider clock)
    {
        if (certificate is null)
        {
            return null;
        }
        var notAfter = certificate.NotAfter.ToUniversalTime();
        var ok = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == IngressControllerIdentity.UserOf(NodeName)
            && notAfter > clock.GetUtcNow().UtcDateTime.AddSeconds(5)
            && notAfter <= Client.Current.NotAfter.ToUniversalTime();
        if (!ok)
        {
            certificate.Dispose();
            return null;
        }
        return certificate;
    }

    /// <summary>A client that authenticates as this node with its current client certificate.</summary>
    public KubeClient CreateClient(Uri server, string caPem, TimeProvider? clock = null, IReadOnlyList<Uri>? failover = null) => new(new KubeClientOptions
    {
        Server = server,
        FailoverServers = failover ?? [],
        Handler = ApiServerTls.CreateHandler(caPem, Client, clock ?? TimeProvider.System),
        UserAgent = $"axolotl-agent/v0.1.0 ({NodeName})",
    });

    /// <summary>
    /// Runs <see cref="RunRotationAsync"/> off the caller's path until <paramref name="ct"/> fires. Restart with
    /// backoff: a renewal that fails is retried by the rotation itself, and one that stopped for anything else
    /// would leave the node to lose the API when its certificate expires.
    /// </summary>
    public BackgroundLoop StartRotation(KubeClient client, TimeProvider clock, ILogger log, CancellationToken ct) =>
        DelegateLoop.StartNew($"certificate-rotation {NodeName}", LoopFailurePolicy.RestartWithBackoff, token => RunRotationAsync(client, clock, log, token), clock, log, ct);

    /// <summary>Renews each certificate 70–90 % through its lifetime, with <paramref name="client"/> (this node's); runs until cancelled.</summary>
    public async Task RunRotationAsync(KubeClient client, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        var rotations = new List<Task> { RotateAsync(Client, () => RenewClientAsync(client, clock, ct), clock, log, ct) };
        if (Serving is not null && _servingNames is { } names)
        {
            rotations.Add(RotateAsync(Serving, () => RequestServingAsync(client, NodeName, names, clock, ct), clock, log, ct));
        }
        if (IngressController is not null)
        {
            // Its lifetime ends with the node certificate current at each renewal, so it is renewed at least as often.
            rotations.Add(RotateAsync(IngressController, () => RequestIngressControllerAsync(client, clock, ct), clock, log, ct));
        }
        await Task.WhenAll(rotations);
    }

    private async Task<X509Certificate2> RenewClientAsync(KubeClient client, TimeProvider clock, CancellationToken ct)
    {
        var (key, pem) = NodeCertificateRequests.Create(NodeName);
        using (key)
        {
            return await NodeCertificateRequests.RequestAsync(client, KubeletSigners.Client, key, pem, NodeCertificateRequests.ClientUsages, clock, ct);
        }
    }

    private static async Task RotateAsync(RotatingCertificate certificate, Func<Task<X509Certificate2>> renew, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        var jitter = RandomNumberGenerator.GetInt32(1000) / 1000.0;
        while (!ct.IsCancellationRequested)
        {
            var wait = certificate.RenewAt(jitter) - clock.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    // Task.Delay takes at most about 49 days; a year-long certificate is waited for a day at a time.
                    await Task.Delay(wait < MaxWait ? wait : MaxWait, clock, ct);
                    continue;
                }
                var renewed = await renew();
                certificate.Replace(renewed);
                var file = Path.GetFileName(certificate.File);
                var notAfter = renewed.NotAfter.ToUniversalTime();
                LogRenewed(log, file, notAfter);
                jitter = RandomNumberGenerator.GetInt32(1000) / 1000.0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or NodeIdentityException or CryptographicException)
            {
                // The current certificate is still valid (10–30 % of its life is left): try again shortly.
                LogRenewFailed(log, e, Path.GetFileName(certificate.File));
                await Task.Delay(TimeSpan.FromSeconds(30), clock, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private static async Task<X509Certificate2> RequestServingAsync(KubeClient client, string nodeName,
        (IReadOnlyCollection<string> Dns, IReadOnlyCollection<IPAddress> Addresses) names, TimeProvider clock, CancellationToken ct)
    {
        var (key, pem) = NodeCertificateRequests.Create(nodeName, names.Dns, names.Addresses);
        using (key)
        {
            return await NodeCertificateRequests.RequestAsync(client, KubeletSigners.Serving, key, pem, NodeCertificateRequests.ServingUsages, clock, ct);
        }
    }

    /// <summary>A stored certificate is reused when it is this node's, not yet expired, and (serving) still names every address.</summary>
    private static X509Certificate2? Usable(X509Certificate2? certificate, string nodeName, TimeProvider clock, IReadOnlyCollection<IPAddress>? addresses)
    {
        if (certificate is null)
        {
            return null;
        }
        var ok = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == KubeletSigners.NodeUserPrefix + nodeName
            && certificate.NotAfter.ToUniversalTime() > clock.GetUtcNow().UtcDateTime.AddSeconds(5)
            && (addresses is null || Covers(certificate, addresses));
        if (!ok)
        {
            certificate.Dispose();
            return null;
        }
        return certificate;
    }

    private static bool Covers(X509Certificate2 certificate, IReadOnlyCollection<IPAddress> addresses)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var have = san?.EnumerateIPAddresses().ToHashSet() ?? [];
        return addresses.All(have.Contains);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "node {Node}: client certificate issued through TLS bootstrap, valid until {NotAfter:u}")]
    private static partial void LogBootstrapped(ILogger logger, string node, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {Node}: ingress controller client certificate issued, valid until {NotAfter:u}")]
    private static partial void LogIngressControllerIssued(ILogger logger, string node, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} renewed, valid until {NotAfter:u}")]
    private static partial void LogRenewed(ILogger logger, string file, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File}: renewal failed; trying again in 30 s")]
    private static partial void LogRenewFailed(ILogger logger, Exception e, string file);
}
