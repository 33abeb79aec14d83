using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Certificates;
using Axolotl.ApiServer.Security;

namespace Axolotl.NodeIdentity;

/// <summary>
/// A joining node's first step with a secure token (k3s's TLS bootstrapping): read the server's /cacerts
/// over a connection it does not yet trust, refuse the bundle unless its SHA-256 is the token's hash,
/// then check that the certificate the server presented chains to that CA. Nothing is sent to the server
/// before this but the GET, and nothing is written: the caller keeps the CA only once it is verified.
/// </summary>
public static class ClusterCaDiscovery
{
    /// <summary>A CA bundle is a few kilobytes; anything near this is not one.</summary>
    public const int MaxBundleBytes = 64 * 1024;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The cluster CA's PEM from <paramref name="server"/>, verified against <paramref name="token"/>'s hash.</summary>
    public static async Task<string> FetchAsync(Uri server, SecureJoinToken token, TimeProvider clock, CancellationToken ct)
    {
        X509Certificate2? presented = null;
        using var handler = new SocketsHttpHandler
        {
            // Not trusted yet: the certificate the server presents is kept and checked against the CA once the
            // CA's hash matched; only the GET goes out before that (no credentials).
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    presented = certificate is null ? null : new X509Certificate2(certificate);
                    return presented is not null;
                },
            },
            ConnectTimeout = RequestTimeout,
        };
        using var http = new HttpClient(handler) { Timeout = RequestTimeout };
        using var response = await http.GetAsync(new Uri(server, ClusterCaEndpoint.Path), HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new NodeIdentityException(
                $"the server at {Origin(server)} answered GET {ClusterCaEndpoint.Path} with {(int)response.StatusCode} {response.ReasonPhrase}: it does not serve the cluster CA (is it an axolotl server of this release?); give --ca-file instead");
        }
        var bundle = await ReadBoundedAsync(response, server, ct);
        if (!token.Pins(bundle))
        {
            throw new NodeIdentityException(
                $"the server at {Origin(server)} presents a cluster CA with SHA-256 {SecureJoinToken.HashCa(bundle)}, but the token pins {token.CaHash}: " +
                "refusing to trust it (a token from another cluster, a server whose CA was replaced, or someone in between)");
        }
        var pem = Encoding.UTF8.GetString(bundle);
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new NodeIdentityException($"the cluster CA from {Origin(server)} matches the token's hash but is not a PEM certificate: {e.Message}");
        }
        if (roots.Count == 0)
        {
            throw new NodeIdentityException($"the cluster CA from {Origin(server)} matches the token's hash but holds no PEM certificate");
        }
        using (presented)
        {
            if (presented is null || !CertificateChain.Verify(presented, roots, CertificateChain.ServerAuth, clock.GetUtcNow()))
            {
                throw new NodeIdentityException(
                    $"the server at {Origin(server)} serves the cluster CA the token pins, but its own certificate ({presented?.Subject ?? "none"}) does not chain to it: refusing to join through it");
            }
        }
        return pem;
    }

    /// <summary>The body, refused past <see cref="MaxBundleBytes"/> whatever the server declared.</summary>
    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, Uri server, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength is > MaxBundleBytes)
        {
            throw TooLarge(server);
        }
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBundleBytes)
            {
                throw TooLarge(server);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static NodeIdentityException TooLarge(Uri server) =>
        new($"the server at {Origin(server)} answered GET {ClusterCaEndpoint.Path} with more than {MaxBundleBytes / 1024} KiB: not a CA bundle; refusing it");

    private static string Origin(Uri server) => server.GetLeftPart(UriPartial.Authority);
}
