using System.Security.Cryptography.X509Certificates;
using Axolotl.Api.Core;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Builds <see cref="IngressCertificates"/> from spec.tls of the Ingresses served, oldest first (the oldest
/// Ingress's Secret wins a host two name). A missing or malformed Secret leaves its hosts on the fallback
/// certificate and is reported; other hosts are unaffected.
/// </summary>
public static class IngressCertificatesBuilder
{
    public static (IngressCertificates Certificates, IReadOnlyList<IngressProblem> Problems) Build(IEnumerable<Api.Networking.Ingress> ingresses,
        Func<string, string, Secret?> secrets, TlsSecretReader reader, X509Certificate2 fallback)
    {
        var hosts = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal);
        var problems = new List<IngressProblem>();
        foreach (var ingress in IngressRouteTableBuilder.Oldest(ingresses))
        {
            var ns = ingress.Metadata.Namespace ?? "default";
            foreach (var tls in ingress.Spec?.Tls ?? [])
            {
                // No secretName: the hosts are served with the fallback certificate (ingress-nginx's default one).
                if (tls.SecretName is not { Length: > 0 } secretName)
                {
                    continue;
                }
                var result = reader.Read(ns, secretName, secrets(ns, secretName));
                if (result.Certificate is null)
                {
                    problems.Add(new IngressProblem(ns, ingress.Metadata.Name ?? "", "InvalidTLSSecret", result.Problem!));
                    continue;
                }
                foreach (var host in tls.Hosts ?? [])
                {
                    hosts.TryAdd(host.ToLowerInvariant(), result.Certificate);
                }
            }
        }
        reader.Sweep();
        return (new IngressCertificates(hosts, fallback), problems);
    }
}
