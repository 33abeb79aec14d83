using System.Security.Cryptography.X509Certificates;

namespace Axolotl.NodeIdentity;

/// <summary>
/// A node certificate that can be replaced while in use: TLS clients and servers ask for
/// <see cref="Current"/> on each new connection, so a renewed certificate takes over without a restart.
/// </summary>
public sealed class RotatingCertificate(X509Certificate2 initial, string file)
{
    private volatile X509Certificate2 _current = initial;

    public X509Certificate2 Current => _current;

    /// <summary>Where the certificate and its key are kept (PEM, readable by root only).</summary>
    public string File { get; } = file;

    /// <summary>Saves and installs a renewed certificate; the old one stays valid for connections already open.</summary>
    public void Replace(X509Certificate2 renewed)
    {
        CertificateFiles.Save(File, renewed);
        _current = renewed;
    }

    /// <summary>Signers backdate certificates this much for clock skew; it is not part of the lifetime a node was given.</summary>
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>When to renew: at a random point 70–90 % through the lifetime, as the kubelet does, so nodes spread out.</summary>
    public DateTimeOffset RenewAt(double jitter) => RenewAt(Current.NotBefore.ToUniversalTime(), Current.NotAfter.ToUniversalTime(), jitter);

    public static DateTimeOffset RenewAt(DateTime notBefore, DateTime notAfter, double jitter)
    {
        // Without the backdate a short-lived certificate (minutes) would look mostly used up when issued and be renewed at once, forever.
        var issued = notBefore + Backdate < notAfter ? notBefore + Backdate : notBefore;
        var lifetime = notAfter - issued;
        return new DateTimeOffset(issued + (lifetime * (0.7 + (0.2 * Math.Clamp(jitter, 0, 1)))), TimeSpan.Zero);
    }
}
