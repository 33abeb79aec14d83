using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Certificates;
using Axolotl.Api.Meta;
using Axolotl.Client;

namespace Axolotl.NodeIdentity;

/// <summary>
/// A node asks for a certificate as the kubelet does: a fresh ECDSA P-256 key, a PKCS#10 request for
/// CN system:node:NAME, O system:nodes, a CertificateSigningRequest to the named signer, and then it
/// watches it until the certificate is issued (or the request is denied or fails).
/// </summary>
public static class NodeCertificateRequests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a node waits for approval before giving up (a person may have to approve).</summary>
    public static TimeSpan WaitLimit { get; } = TimeSpan.FromMinutes(5);

    public static string[] ClientUsages { get; } = [KubeletSigners.UsageDigitalSignature, KubeletSigners.UsageClientAuth];

    public static string[] ServingUsages { get; } = [KubeletSigners.UsageDigitalSignature, KubeletSigners.UsageServerAuth];

    /// <summary>A new key and the PEM request for <paramref name="nodeName"/>; serving requests name the given addresses.</summary>
    public static (ECDsa Key, string Pem) Create(string nodeName, IReadOnlyCollection<string>? dnsNames = null, IReadOnlyCollection<IPAddress>? addresses = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(KubeletSigners.NodesGroup);
        subject.AddCommonName(KubeletSigners.NodeUserPrefix + nodeName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        if (dnsNames is { Count: > 0 } || addresses is { Count: > 0 })
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames ?? [])
            {
                san.AddDnsName(name);
            }
            foreach (var address in addresses ?? [])
            {
                san.AddIpAddress(address);
            }
            request.CertificateExtensions.Add(san.Build());
        }
        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>A new key and the PEM request for the client certificate of <paramref name="nodeName"/>'s edge controllers (<see cref="IngressControllerIdentity"/>).</summary>
    public static (ECDsa Key, string Pem) CreateIngressController(string nodeName)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(IngressControllerIdentity.Group);
        subject.AddCommonName(IngressControllerIdentity.UserOf(nodeName));
        return (key, new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256).CreateSigningRequestPem());
    }

    /// <summary>Creates the request and waits for the signed certificate, which is returned with <paramref name="key"/>.</summary>
    public static Task<X509Certificate2> RequestAsync(KubeClient client, string signer, ECDsa key, string pem, string[] usages, TimeProvider clock, CancellationToken ct) =>
        RequestAsync(client, signer, key, pem, usages, null, WaitLimit, clock, ct);

    /// <summary>
    /// As the overload above, asking for a lifetime (spec.expirationSeconds; null leaves it to the signer) and waiting at
    /// most <paramref name="waitLimit"/> for approval.
    /// </summary>
    public static async Task<X509Certificate2> RequestAsync(KubeClient client, string signer, ECDsa key, string pem, string[] usages, int? expirationSeconds,
        TimeSpan waitLimit, TimeProvider clock, CancellationToken ct)
    {
        var csrs = client.Resource<CertificateSigningRequest>();
        CertificateSigningRequest created;
        try
        {
            created = await csrs.CreateAsync(new CertificateSigningRequest
            {
                ApiVersion = "certificates.k8s.io/v1",
                Kind = "CertificateSigningRequest",
                Metadata = new ObjectMeta { GenerateName = signer == KubeletSigners.Client ? "node-csr-" : "csr-" },
                Spec = new CertificateSigningRequestSpec { Request = Encoding.ASCII.GetBytes(pem), SignerName = signer, Usages = [.. usages], ExpirationSeconds = expirationSeconds },
            }, ct);
        }
        catch (KubeApiException e) when (e.Code == 403)
        {
            // A join token may create requests; a 403 is admission refusing this one (a name already registered,
            // a token scoped to another node), and its message says which, not that the token is bad.
            throw new NodeIdentityException($"the server refused this node's certificate request: {e.Message}");
        }
        var name = created.Metadata.Name ?? throw new InvalidOperationException("the server named no CertificateSigningRequest");
        var deadline = clock.GetUtcNow() + waitLimit;
        var current = created;
        while (true)
        {
            if (current.Status?.Conditions?.FirstOrDefault(c => c.Type is "Denied" or "Failed" && c.Status is null or "True") is { } refused)
            {
                throw new NodeIdentityException($"CertificateSigningRequest {name} ({signer}) was {refused.Type.ToLowerInvariant()}: {refused.Reason} {refused.Message}".TrimEnd());
            }
            if (current.Status?.Certificate is { Length: > 0 } issued)
            {
                using var certificate = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(issued));
                return certificate.CopyWithPrivateKey(key);
            }
            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new NodeIdentityException($"CertificateSigningRequest {name} ({signer}) was not approved within {waitLimit.TotalSeconds:F0} s; approve it with `kubectl certificate approve {name}`");
            }
            current = await NextStateAsync(client, name, current, left, clock, ct);
        }
    }

    /// <summary>Whether the request has its certificate or was refused: what the node waits for.</summary>
    private static bool Decided(CertificateSigningRequest csr) =>
        csr.Status?.Certificate is { Length: > 0 } || csr.Status?.Conditions?.Any(c => c.Type is "Denied" or "Failed" && c.Status is null or "True") == true;

    /// <summary>
    /// The request once it is decided (issued, denied or failed): a watch of it from the version in hand, as client-go's WaitForCertificate
    /// watches it (so the certificate arrives as it is written, not a poll later), or as read again after
    /// <see cref="Poll"/> when the watch ends without a decision (its timeout, a dropped connection).
    /// </summary>
    private static async Task<CertificateSigningRequest> NextStateAsync(KubeClient client, string name, CertificateSigningRequest current, TimeSpan left,
        TimeProvider clock, CancellationToken ct)
    {
        var watch = new ListOptions
        {
            FieldSelector = "metadata.name=" + name,
            ResourceVersion = current.Metadata.ResourceVersion,
            TimeoutSeconds = (int)Math.Clamp(Math.Ceiling(left.TotalSeconds), 1, 60),
        };
        try
        {
            await foreach (var e in client.WatchAsync<CertificateSigningRequest>(null, watch, ct))
            {
                if (e.Type == WatchEventType.Deleted)
                {
                    throw new NodeIdentityException($"CertificateSigningRequest {name} was deleted before a certificate was issued");
                }
                // Approval and signing are two writes: the watch stays open from one to the other instead of a second watch per request.
                if (e.Type is WatchEventType.Added or WatchEventType.Modified && e.Object is { } changed && Decided(changed))
                {
                    return changed;
                }
            }
        }
        catch (Exception e) when ((e is HttpRequestException or IOException or KubeApiException) && !ct.IsCancellationRequested)
        {
            // Read again below.
        }
        // After a pause: a server that ends or refuses the watch at once is not asked in a tight loop.
        await Task.Delay(Poll, clock, ct);
        return await client.Resource<CertificateSigningRequest>().GetAsync(null, name, ct);
    }
}
