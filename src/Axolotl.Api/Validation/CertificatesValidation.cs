using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Certificates;

namespace Axolotl.Api.Validation;

/// <summary>certificates.k8s.io/v1 CertificateSigningRequest, with upstream's rules and messages.</summary>
public static class CertificatesValidation
{
    /// <summary>The key usages upstream accepts in spec.usages.</summary>
    public static readonly string[] KnownUsages =
    [
        "signing", "digital signature", "content commitment", "key encipherment", "key agreement",
        "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any",
        "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system",
        "ipsec tunnel", "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc",
    ];

    private static readonly FieldPath Spec = FieldPath.Of("spec");

    public static List<FieldError> Validate(CertificateSigningRequest csr, CertificateSigningRequest? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(csr.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, FieldPath.Of("metadata"))
            : MetadataValidation.ValidateObjectMetaUpdate(csr.Metadata, old.Metadata, FieldPath.Of("metadata"));
        var spec = csr.Spec ?? new CertificateSigningRequestSpec();
        if (old is not null)
        {
            // spec is immutable after creation upstream (the update strategy copies the old spec over).
            return errors;
        }
        if (TryParseRequest(spec.Request, out _) is { } problem)
        {
            errors.Add(FieldError.Invalid(Spec.Child("request"), "<bytes>", problem));
        }
        if (string.IsNullOrEmpty(spec.SignerName))
        {
            errors.Add(FieldError.Required(Spec.Child("signerName")));
        }
        else if (ValidateSignerName(spec.SignerName) is { } bad)
        {
            errors.Add(FieldError.Invalid(Spec.Child("signerName"), spec.SignerName, bad));
        }
        if (spec.ExpirationSeconds is < 600)
        {
            errors.Add(FieldError.Invalid(Spec.Child("expirationSeconds"), spec.ExpirationSeconds.Value, "may not specify a duration less than 600 seconds (10 minutes)"));
        }
        if (spec.Usages is not { Count: > 0 })
        {
            errors.Add(FieldError.Required(Spec.Child("usages"), "usages must be provided"));
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < spec.Usages.Count; i++)
            {
                var usage = spec.Usages[i];
                if (!KnownUsages.Contains(usage, StringComparer.Ordinal))
                {
                    errors.Add(FieldError.NotSupported(Spec.Child("usages").Index(i), usage, KnownUsages));
                }
                else if (!seen.Add(usage))
                {
                    errors.Add(FieldError.Duplicate(Spec.Child("usages").Index(i), usage));
                }
            }
        }
        return errors;
    }

    /// <summary>Parses a PEM "CERTIFICATE REQUEST"; returns upstream's error text, or null when it is a valid, self-signed request.</summary>
    public static string? TryParseRequest(byte[]? pem, out CertificateRequest? request)
    {
        request = null;
        var text = pem is null ? "" : Encoding.ASCII.GetString(pem);
        const string begin = "-----BEGIN CERTIFICATE REQUEST-----";
        if (!text.Contains(begin, StringComparison.Ordinal))
        {
            return "PEM block type must be CERTIFICATE REQUEST";
        }
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(text, HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            return null;
        }
        catch (CryptographicException e)
        {
            return e.Message;
        }
    }

    private static string? ValidateSignerName(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == name.Length - 1)
        {
            return "must be a fully qualified domain and path of the form 'example.com/signer-name'";
        }
        var domain = name[..slash];
        return domain.Contains('.', StringComparison.Ordinal) ? null : "should be a domain with at least two segments separated by dots";
    }
}
