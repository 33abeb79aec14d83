using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.ApiServer.Security;

/// <summary>
/// The cluster CA and the API server's serving certificate, both kept in DIR/pki. The serving
/// certificate is reused while it is valid for another 30 days and names every current host name and
/// address, and made anew otherwise. ECDSA P-256: fast to make and to handshake.
/// Also the kubelet CA, which signs agents' serving certificates and is trusted only by the API server
/// (so no node certificate can pass as the API server's), and the client certificate the API server
/// presents to agents (CN kube-apiserver-kubelet-client, signed by the cluster CA). And the front-proxy CA with the
/// client certificate the aggregator presents to aggregated API servers (CN front-proxy-client), as kubeadm makes
/// them: a CA of its own, so no certificate the cluster CA signs for a user can pass as the proxy.
/// </summary>
public sealed class Pki
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>The user the front-proxy client certificate names (kubeadm's; what requestheader-allowed-names lists).</summary>
    public const string FrontProxyClientName = "front-proxy-client";

    private Pki(X509Certificate2 ca, X509Certificate2 serving, X509Certificate2 kubeletCa, X509Certificate2 kubeletClient, X509Certificate2 frontProxyCa, X509Certificate2 frontProxyClient)
    {
        Ca = ca;
        Serving = serving;
        KubeletCa = kubeletCa;
        KubeletClient = kubeletClient;
        FrontProxyCa = frontProxyCa;
        FrontProxyClient = frontProxyClient;
    }

    /// <summary>Signs only <see cref="FrontProxyClient"/>: aggregated API servers trust it as their requestheader client CA.</summary>
    public X509Certificate2 FrontProxyCa { get; }

    /// <summary>What the aggregator authenticates to aggregated API servers with (client auth only, CN front-proxy-client).</summary>
    public X509Certificate2 FrontProxyClient { get; }

    public X509Certificate2 Ca { get; }

    /// <summary>Signs kubernetes.io/kubelet-serving certificates; the API server verifies agents against it alone.</summary>
    public X509Certificate2 KubeletCa { get; }

    /// <summary>What the API server authenticates to agents with (client auth only).</summary>
    public X509Certificate2 KubeletClient { get; }

    public X509Certificate2 Serving { get; }

    public string CaPem => Ca.ExportCertificatePem();

    public static Pki LoadOrCreate(string dataDir, TimeProvider clock, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        var dir = Path.Combine(dataDir, "pki");
        Directory.CreateDirectory(dir);
        var now = clock.GetUtcNow();
        var names = dnsNames.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var ips = addresses.Distinct().ToList();
        var ca = LoadOrCreateCa(dir, "ca", "axolotl-ca", now);
        var kubeletCa = LoadOrCreateCa(dir, "kubelet-ca", "axolotl-kubelet-ca", now);
        var kubeletClient = LoadOrCreateClient(dir, "apiserver-kubelet-client", ca, Api.Certificates.KubeletSigners.ApiServerKubeletClient, now);
        var frontProxyCa = LoadOrCreateCa(dir, "front-proxy-ca", "axolotl-front-proxy-ca", now);
        var frontProxyClient = LoadOrCreateClient(dir, "front-proxy-client", frontProxyCa, FrontProxyClientName, now);
        var certPath = Path.Combine(dir, "apiserver.crt");
        var keyPath = Path.Combine(dir, "apiserver.key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (Covers(existing, ca, now, names, ips))
            {
                return new Pki(ca, existing, kubeletCa, kubeletClient, frontProxyCa, frontProxyClient);
            }
            existing.Dispose();
        }
        var (serving, keyPem) = CreateServing(ca, now, names, ips);
        WritePrivate(keyPath, keyPem);
        File.WriteAllText(certPath, serving.ExportCertificatePem());
        return new Pki(ca, serving, kubeletCa, kubeletClient, frontProxyCa, frontProxyClient);
    }

    private static X509Certificate2 LoadOrCreateCa(string dir, string file, string commonName, DateTimeOffset now)
    {
        var certPath = Path.Combine(dir, file + ".crt");
        var keyPath = Path.Combine(dir, file + ".key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, ca.ExportCertificatePem());
        return ca;
    }

    /// <summary>
    /// One of the API server's own client certificates (for agents; the front proxy's for aggregated API servers):
    /// reused while valid for another 30 days and issued by this CA.
    /// </summary>
    private static X509Certificate2 LoadOrCreateClient(string dir, string file, X509Certificate2 ca, string commonName, DateTimeOffset now)
    {
        var certPath = Path.Combine(dir, file + ".crt");
        var keyPath = Path.Combine(dir, file + ".key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (existing.NotAfter.ToUniversalTime() - now.UtcDateTime >= RenewBefore && existing.Issuer == ca.Subject)
            {
                return existing;
            }
            existing.Dispose();
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, signed.ExportCertificatePem());
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// A client certificate from the cluster CA naming a user (CN) and groups (O), as kube-apiserver's
    /// x509 authenticator reads them: for the in-process components' own identities and for users
    /// (`axolotl kubeconfig --user`). Never for a node name, which only CSRs may get.
    /// </summary>
    public static X509Certificate2 IssueClientCertificate(X509Certificate2 ca, string user, IReadOnlyList<string> groups, DateTimeOffset now, TimeSpan lifetime)
    {
        if (string.IsNullOrWhiteSpace(user) || user.StartsWith(Api.Certificates.KubeletSigners.NodeUserPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"invalid user \"{user}\": want a non-empty name outside system:node:");
        }
        var subject = new X500DistinguishedNameBuilder();
        foreach (var group in groups)
        {
            subject.AddOrganizationName(group);
        }
        subject.AddCommonName(user);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var notAfter = now + lifetime < ca.NotAfter.ToUniversalTime() ? now + lifetime : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var signed = request.Create(ca, now.AddMinutes(-5), notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>The cluster CA with its key, read from DIR/pki (for `axolotl kubeconfig`, run where the server's data is).</summary>
    public static X509Certificate2 LoadCa(string dataDir)
    {
        var dir = Path.Combine(dataDir, "pki");
        var cert = Path.Combine(dir, "ca.crt");
        var key = Path.Combine(dir, "ca.key");
        if (!File.Exists(cert) || !File.Exists(key))
        {
            throw new ArgumentException($"no cluster CA in {dir} (start `axolotl server --data-dir {dataDir}` once first)");
        }
        return X509Certificate2.CreateFromPemFile(cert, key);
    }

    private static (X509Certificate2 Certificate, string KeyPem) CreateServing(X509Certificate2 ca, DateTimeOffset now, List<string> names, List<IPAddress> ips)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=axolotl-apiserver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        names.ForEach(san.AddDnsName);
        ips.ForEach(san.AddIpAddress);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        return (signed.CopyWithPrivateKey(key), key.ExportPkcs8PrivateKeyPem());
    }

    private static bool Covers(X509Certificate2 cert, X509Certificate2 ca, DateTimeOffset now, List<string> names, List<IPAddress> ips)
    {
        if (cert.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewBefore || cert.Issuer != ca.Subject)
        {
            return false;
        }
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return false;
        }
        var haveNames = san.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var haveIps = san.EnumerateIPAddresses().ToHashSet();
        return names.All(haveNames.Contains) && ips.All(haveIps.Contains);
    }

    private static void WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
