using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>
/// Whether a caBundle would make a TLS configuration, in client-go's words (transport.TLSConfigFor, which upstream's
/// webhook.ValidateCABundle calls): usable when at least one PEM CERTIFICATE block parses; otherwise "unable to load
/// root certificates: " and the first reason Go's createErrorParsingCAData finds (no PEM block where one should start,
/// a certificate that does not parse, or nothing that is a certificate).
/// </summary>
public static class CaBundleCheck
{
    /// <summary>Null when the bundle is usable (or empty: the system roots), else client-go's error.</summary>
    public static string? Problem(byte[]? caBundle)
    {
        if (caBundle is not { Length: > 0 })
        {
            return null;
        }
        var text = Encoding.Latin1.GetString(caBundle).AsSpan();
        string? firstFailure = null;
        var usable = false;
        while (text.Length > 0)
        {
            if (!PemEncoding.TryFind(text, out var fields))
            {
                firstFailure ??= "unable to parse bytes as PEM block";
                break;
            }
            var label = text[fields.Label];
            if (label.SequenceEqual("CERTIFICATE"))
            {
                try
                {
                    using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text[fields.Base64Data].ToString()));
                    usable = true;
                }
                catch (CryptographicException)
                {
                    firstFailure ??= "failed to parse certificate: x509: malformed certificate";
                }
            }
            text = text[fields.Location.End..];
            if (text.Trim().IsEmpty)
            {
                break;
            }
        }
        return usable ? null : "unable to load root certificates: " + (firstFailure ?? "no valid certificate authority data seen");
    }

    /// <summary>upstream's field error: the bytes as Go prints a []byte with %#v, and the reason.</summary>
    public static FieldError Invalid(FieldPath path, byte[] caBundle, string problem)
    {
        ArgumentNullException.ThrowIfNull(caBundle);
        var bytes = new GoValue.GoSyntax("[]byte{" + string.Join(", ", caBundle.Select(b => "0x" + b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) + "}");
        return FieldError.Invalid(path, bytes, problem);
    }
}
