using System.Net;
using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Certificates;

/// <summary>
/// A PKCS#10 request as the kubelet signers see it: subject common name and organizations, and the
/// subject alternative names it asks for. <see cref="CheckClient"/> and <see cref="CheckServing"/>
/// hold upstream's rules for the two kubelet signers (k8s.io/api certificates helpers), with its
/// messages; a request that breaks them is neither auto-approved nor signed.
/// </summary>
public sealed record NodeCertificateRequest(
    CertificateRequest Request,
    string? CommonName,
    IReadOnlyList<string> Organizations,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<IPAddress> IpAddresses,
    bool HasOtherNames)
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>The node this request names (CN system:node:NAME), else null.</summary>
    public string? NodeName => CommonName is { } cn && cn.StartsWith(KubeletSigners.NodeUserPrefix, StringComparison.Ordinal) && cn.Length > KubeletSigners.NodeUserPrefix.Length
        ? cn[KubeletSigners.NodeUserPrefix.Length..]
        : null;

    /// <summary>The node whose edge controllers this request names (CN system:axolotl-ingress-controller:NAME), else null.</summary>
    public string? IngressControllerNodeName => IngressControllerIdentity.NodeOf(CommonName);

    /// <summary>Parses spec.request (PEM); null with the reason when it is not a valid signed request.</summary>
    public static NodeCertificateRequest? TryParse(byte[]? pem, out string? problem)
    {
        problem = CertificatesValidation.TryParseRequest(pem, out var request);
        if (request is null)
        {
            problem ??= "certificate request is not valid";
            return null;
        }
        var commonName = CertificateChain.CommonName(request.SubjectName);
        var organizations = CertificateChain.Organizations(request.SubjectName);
        List<string> dns = [];
        List<IPAddress> ips = [];
        var other = false;
        foreach (var extension in request.CertificateExtensions.Where(e => e.Oid?.Value == SubjectAltNameOid))
        {
            var san = new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
            dns.AddRange(san.EnumerateDnsNames());
            ips.AddRange(san.EnumerateIPAddresses());
            // Anything besides DNS names and IPs (email, URI, other names) changes the encoding.
            var rebuilt = new SubjectAlternativeNameBuilder();
            san.EnumerateDnsNames().ToList().ForEach(rebuilt.AddDnsName);
            san.EnumerateIPAddresses().ToList().ForEach(rebuilt.AddIpAddress);
            other |= !rebuilt.Build().RawData.AsSpan().SequenceEqual(extension.RawData);
        }
        return new NodeCertificateRequest(request, commonName, organizations, dns, ips, other);
    }

    /// <summary>Upstream's ValidateKubeletClientCSR: null when this is a node client certificate request.</summary>
    public string? CheckClient(IReadOnlyList<string>? usages)
    {
        if (CheckNodeSubject() is { } subject)
        {
            return subject;
        }
        if (DnsNames.Count > 0)
        {
            return "DNS subjectAltNames are not allowed";
        }
        if (IpAddresses.Count > 0)
        {
            return "IP subjectAltNames are not allowed";
        }
        if (HasOtherNames)
        {
            return "Email and URI subjectAltNames are not allowed";
        }
        return CheckUsages(usages, KubeletSigners.UsageClientAuth);
    }

    /// <summary>
    /// The kubelet client rules for a node's edge controllers' certificate (<see cref="IngressControllerIdentity"/>):
    /// O system:axolotl-ingress-controllers only, CN system:axolotl-ingress-controller:NAME, no subjectAltNames, client usages.
    /// </summary>
    public string? CheckIngressControllerClient(IReadOnlyList<string>? usages)
    {
        if (Organizations is not [IngressControllerIdentity.Group])
        {
            return $"subject organization is not {IngressControllerIdentity.Group}";
        }
        if (IngressControllerNodeName is null)
        {
            return $"subject common name does not begin with {IngressControllerIdentity.UserPrefix}";
        }
        if (DnsNames.Count > 0 || IpAddresses.Count > 0 || HasOtherNames)
        {
            return "subjectAltNames are not allowed";
        }
        return CheckUsages(usages, KubeletSigners.UsageClientAuth);
    }

    /// <summary>Upstream's ValidateKubeletServingCSR: null when this is a node serving certificate request.</summary>
    public string? CheckServing(IReadOnlyList<string>? usages)
    {
        if (CheckNodeSubject() is { } subject)
        {
            return subject;
        }
        if (DnsNames.Count == 0 && IpAddresses.Count == 0)
        {
            return "DNS or IP subjectAltName is required";
        }
        if (HasOtherNames)
        {
            return "Email and URI subjectAltNames are not allowed";
        }
        return CheckUsages(usages, KubeletSigners.UsageServerAuth);
    }

    private string? CheckNodeSubject()
    {
        if (Organizations is not [KubeletSigners.NodesGroup])
        {
            return "subject organization is not system:nodes";
        }
        return NodeName is null ? "subject common name does not begin with system:node:" : null;
    }

    /// <summary>digital signature and the one auth usage are required; key encipherment is allowed (RSA keys need it).</summary>
    private static string? CheckUsages(IReadOnlyList<string>? usages, string auth)
    {
        var given = usages ?? [];
        var allowed = new[] { KubeletSigners.UsageDigitalSignature, KubeletSigners.UsageKeyEncipherment, auth };
        var ok = given.Contains(auth) && given.Contains(KubeletSigners.UsageDigitalSignature) && given.All(allowed.Contains);
        return ok ? null : $"usages did not match [{KubeletSigners.UsageDigitalSignature} {KubeletSigners.UsageKeyEncipherment} {auth}]";
    }
}
