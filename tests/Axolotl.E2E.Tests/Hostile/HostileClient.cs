using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;

namespace Axolotl.E2E.Tests.Hostile;

/// <summary>
/// The HTTPS client one corpus principal sends with: it trusts the cluster CA only, and carries a
/// bearer token or a client certificate (or neither). Shared by the test and the benchmark.
/// </summary>
public static class HostileClient
{
    public static HttpClient Create(string caPem, string? token, X509Certificate2? clientCertificate = null)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(caPem);
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return presented is X509Certificate2 leaf && chain.Build(leaf);
                },
            },
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }
}
