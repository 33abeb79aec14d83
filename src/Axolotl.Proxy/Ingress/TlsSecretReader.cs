using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Core;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Reads the certificate and key of a TLS Secret (tls.crt and tls.key, PEM), keeping each parsed version
/// so a rebuild does not parse every Secret again. A Secret that is not there, lacks a key, or does not
/// parse gives the reason instead, for the event on the Ingress.
/// </summary>
public sealed class TlsSecretReader
{
    private const string TlsType = "kubernetes.io/tls";
    private Dictionary<(string Key, string? Version), TlsSecretResult> _parsed = [];
    private Dictionary<(string Key, string? Version), TlsSecretResult> _used = [];

    /// <summary>A Secret of a type this reader takes (ingress-nginx's: kubernetes.io/tls, or Opaque with the same keys).</summary>
    public static bool MayHoldCertificate(Secret secret) => secret.Type is TlsType or "Opaque" or null;

    public TlsSecretResult Read(string ns, string name, Secret? secret)
    {
        var key = (Key: $"{ns}/{name}", Version: secret?.Metadata.ResourceVersion);
        if (secret is null)
        {
            return new TlsSecretResult(null, $"TLS Secret {ns}/{name} not found");
        }
        if (!_parsed.TryGetValue(key, out var result) && !_used.TryGetValue(key, out result))
        {
            result = Parse(ns, name, secret);
        }
        _used[key] = result;
        return result;
    }

    /// <summary>Forgets the versions the last rebuild did not read (called after each rebuild).</summary>
    public void Sweep()
    {
        _parsed = _used;
        _used = [];
    }

    private static TlsSecretResult Parse(string ns, string name, Secret secret)
    {
        // ingress-nginx takes an Opaque Secret with the same keys too; anything else is refused.
        if (!MayHoldCertificate(secret))
        {
            return new TlsSecretResult(null, $"Secret {ns}/{name} has type {secret.Type}, want {TlsType}");
        }
        if (secret.Data?.GetValueOrDefault("tls.crt") is not { Length: > 0 } crt || secret.Data?.GetValueOrDefault("tls.key") is not { Length: > 0 } key)
        {
            return new TlsSecretResult(null, $"Secret {ns}/{name} has no tls.crt or tls.key");
        }
        try
        {
            var certificate = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(crt), Encoding.UTF8.GetString(key));
            return new TlsSecretResult(certificate, null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return new TlsSecretResult(null, $"Secret {ns}/{name} does not hold a valid certificate and key: {e.Message}");
        }
    }
}
