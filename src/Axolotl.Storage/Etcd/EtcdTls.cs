using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Storage.Etcd;

/// <summary>
/// TLS to etcd's client port, as kube-apiserver's --etcd-cafile/--etcd-certfile/--etcd-keyfile (k3s names them
/// --datastore-cafile/-certfile/-keyfile): the members' serving certificates are checked against the given CA
/// (or the system's when none is given) and by name, and a client certificate is presented when etcd runs
/// with --client-cert-auth.
/// </summary>
public sealed class EtcdTls
{
    /// <summary>The CA(s) the members' certificates must chain to; null: the system's trust store.</summary>
    public X509Certificate2Collection? TrustedCas { get; init; }

    /// <summary>The client certificate, with its private key; null: none is presented.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Reads PEM files; a certificate needs its key and the reverse. Errors name the file and the flag.</summary>
    public static EtcdTls Load(string? caFile, string? certFile, string? keyFile)
    {
        if ((certFile is null) != (keyFile is null))
        {
            throw new ArgumentException("--datastore-certfile and --datastore-keyfile go together: give both or neither");
        }

        X509Certificate2Collection? cas = null;
        if (caFile is not null)
        {
            cas = [];
            try
            {
                cas.ImportFromPemFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new ArgumentException($"invalid --datastore-cafile \"{caFile}\": {e.Message}");
            }

            if (cas.Count == 0)
            {
                throw new ArgumentException($"invalid --datastore-cafile \"{caFile}\": no PEM certificate in it");
            }
        }

        X509Certificate2? client = null;
        if (certFile is not null)
        {
            try
            {
                client = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                throw new ArgumentException($"invalid --datastore-certfile \"{certFile}\" / --datastore-keyfile \"{keyFile}\": {e.Message}");
            }
        }

        return new EtcdTls { TrustedCas = cas, ClientCertificate = client };
    }

    internal SslClientAuthenticationOptions ClientOptions() => new()
    {
        ClientCertificates = ClientCertificate is null ? null : [ClientCertificate],
        RemoteCertificateValidationCallback = Validate,
    };

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // The name always counts; with a CA of our own, the chain is judged against it alone.
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        if (TrustedCas is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var own = new X509Chain();
        own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        own.ChainPolicy.CustomTrustStore.AddRange(TrustedCas);
        own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            own.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return own.Build(leaf);
    }
}
