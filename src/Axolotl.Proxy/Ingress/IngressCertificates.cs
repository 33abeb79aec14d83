using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// The certificate for each TLS host, chosen by SNI at the handshake: the exact name, else a wildcard
/// entry ("*.example.com") for its first label, else <see cref="Fallback"/>, the controller's self-signed
/// one (what ingress-nginx serves for a host whose Secret is missing or malformed). Immutable; swapped
/// with the routes.
/// </summary>
public sealed class IngressCertificates(IReadOnlyDictionary<string, X509Certificate2> hosts, X509Certificate2 fallback)
{
    /// <summary>Host names (lower case, "*.example.com" for wildcards) and their certificates.</summary>
    public IReadOnlyDictionary<string, X509Certificate2> Hosts { get; } = hosts;

    public X509Certificate2 Fallback { get; } = fallback;

    public X509Certificate2 Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Fallback;
        }
        var host = serverName.ToLowerInvariant();
        if (Hosts.TryGetValue(host, out var exact))
        {
            return exact;
        }
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && Hosts.TryGetValue("*" + host[dot..], out var wildcard) ? wildcard : Fallback;
    }
}
