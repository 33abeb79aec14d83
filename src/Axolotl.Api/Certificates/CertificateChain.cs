using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Api.Certificates;

/// <summary>
/// Verifying a peer's certificate against the cluster's own CAs (never the system store), and reading
/// the identity a certificate or request carries: CN is the user, O the groups, as Kubernetes reads them.
/// </summary>
public static class CertificateChain
{
    public static Oid ClientAuth { get; } = new("1.3.6.1.5.5.7.3.2");

    public static Oid ServerAuth { get; } = new("1.3.6.1.5.5.7.3.1");

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="roots"/>, is valid at <paramref name="now"/> and allows <paramref name="usage"/>.</summary>
    public static bool Verify(X509Certificate2 certificate, X509Certificate2Collection roots, Oid usage, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        try
        {
            return chain.Build(certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static bool Verify(X509Certificate2 certificate, X509Certificate2 root, Oid usage, DateTimeOffset now) =>
        Verify(certificate, [root], usage, now);

    /// <summary>The subject's common name (the user), or null.</summary>
    public static string? CommonName(X500DistinguishedName subject) => Values(subject, "2.5.4.3").FirstOrDefault();

    /// <summary>The subject's organizations (the groups).</summary>
    public static IReadOnlyList<string> Organizations(X500DistinguishedName subject) => Values(subject, "2.5.4.10");

    private static List<string> Values(X500DistinguishedName subject, string oid) =>
        [.. subject.EnumerateRelativeDistinguishedNames()
            .Where(r => !r.HasMultipleElements && r.GetSingleElementType().Value == oid)
            .Select(r => r.GetSingleElementValue())
            .OfType<string>()];
}
