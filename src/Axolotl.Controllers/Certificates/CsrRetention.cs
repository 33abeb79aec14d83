using Axolotl.Api.Certificates;

namespace Axolotl.Controllers.Certificates;

/// <summary>
/// How long a CertificateSigningRequest is kept, after kube-controller-manager's csrcleaner: issued,
/// denied or failed ones for an hour after creation, pending ones for a day. Every join and every
/// renewal leaves one; without this they would pile up forever.
/// </summary>
public static class CsrRetention
{
    public static readonly TimeSpan Decided = TimeSpan.FromHours(1);
    public static readonly TimeSpan Pending = TimeSpan.FromHours(24);

    /// <summary>When the request may be deleted (null: no creation time, keep it).</summary>
    public static DateTimeOffset? ExpiresAt(CertificateSigningRequest csr)
    {
        if (csr.Metadata.CreationTimestamp is not { } created)
        {
            return null;
        }
        var decided = csr.Status?.Certificate is { Length: > 0 } ||
            csr.Status?.Conditions?.Any(c => c.Type is "Denied" or "Failed" && c.Status is null or "True") == true;
        return created + (decided ? Decided : Pending);
    }
}
