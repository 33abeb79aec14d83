using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Certificates;

namespace Axolotl.Controllers.Certificates;

/// <summary>
/// Signs an approved kubelet request (or a node's edge controllers' client certificate request), as kube-controller-manager's csrsigning does: the subject and
/// key of the request, extensions chosen by the signer (never copied from the request, except the
/// serving certificate's DNS and IP names), backdated 5 minutes for clock skew, and no longer than
/// the request's expirationSeconds, the signing duration, or the CA itself.
/// </summary>
public static class CertificateIssuer
{
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    /// <summary>
    /// Only the node itself obtains its edge controllers' identity: an approved request made by anyone else (an
    /// administrator, another node) is refused here, whoever approved it.
    /// </summary>
    private static string? OnlyItsNode(NodeCertificateRequest request, CertificateSigningRequestSpec spec) =>
        CsrApprovalPolicy.IsNode(request.IngressControllerNodeName, spec.Username ?? "", spec.Groups ?? [])
            ? null
            : $"only node {request.IngressControllerNodeName} may obtain the certificate of its ingress controller; this request was made by {spec.Username}";

    /// <summary>The PEM certificate, or the reason this signer refuses (upstream's SignerValidationFailure).</summary>
    public static (string? Pem, string? Failure) Issue(CertificateSigningRequest csr, CertificateSigningOptions options, DateTimeOffset now)
    {
        var spec = csr.Spec!;
        if (NodeCertificateRequest.TryParse(spec.Request, out var problem) is not { } request)
        {
            return (null, problem);
        }
        var serving = spec.SignerName == KubeletSigners.Serving;
        var edge = spec.SignerName == IngressControllerIdentity.Signer;
        var invalid = edge ? request.CheckIngressControllerClient(spec.Usages) ?? OnlyItsNode(request, spec)
            : serving ? request.CheckServing(spec.Usages) : request.CheckClient(spec.Usages);
        if (invalid is not null)
        {
            return (null, invalid);
        }
        var ca = serving ? options.ServingCa : options.ClientCa;
        var lifetime = spec.ExpirationSeconds is { } seconds && TimeSpan.FromSeconds(seconds) < options.Duration ? TimeSpan.FromSeconds(seconds) : options.Duration;
        var notBefore = now - Backdate < ca.NotBefore.ToUniversalTime() ? new DateTimeOffset(ca.NotBefore.ToUniversalTime()) : now - Backdate;
        var notAfter = now + lifetime;
        if (notAfter > ca.NotAfter.ToUniversalTime())
        {
            notAfter = ca.NotAfter.ToUniversalTime();
        }

        var template = new CertificateRequest(request.Request.SubjectName, request.Request.PublicKey, HashAlgorithmName.SHA256);
        template.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usage = X509KeyUsageFlags.DigitalSignature | (spec.Usages?.Contains(KubeletSigners.UsageKeyEncipherment) == true ? X509KeyUsageFlags.KeyEncipherment : 0);
        template.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        template.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([serving ? ServerAuth : ClientAuth], false));
        template.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (serving)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in request.DnsNames)
            {
                san.AddDnsName(dns);
            }
            foreach (var ip in request.IpAddresses)
            {
                san.AddIpAddress(ip);
            }
            template.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = template.Create(ca, notBefore, notAfter, serial);
        return (certificate.ExportCertificatePem() + "\n", null);
    }
}
