using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Axolotl.ApiServer.Backends;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// What kube-aggregator itself reads from an aggregated API server (its discovery, its OpenAPI): a GET through the
/// proxy's transport to a ready endpoint, as system:kube-aggregator (system:masters) over the front-proxy client
/// certificate, bounded in time and size. Never throws for the backend's faults: the answer carries the reason.
/// </summary>
public sealed class RemoteFetcher(ServiceEndpointResolver resolver, BackendTransport transport, X509Certificate2 proxyClientCertificate, TimeProvider clock)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The body of a 200 answer, or null with why not (HTTP code, dial or TLS error, timeout, too large).</summary>
    public async Task<(byte[]? Body, string? Error)> GetAsync(RemoteApiService remote, string path, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(remote);
        using var deadline = new CancellationTokenSource(Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            var (endpoint, error) = await resolver.ResolveAsync(remote.ServiceNamespace, remote.ServiceName, remote.Port, linked.Token);
            if (endpoint is null)
            {
                return (null, error);
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{remote.ServerName}:{endpoint.Port}{path}");
            request.Options.Set(BackendTransport.ConnectTo, endpoint);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            AuthProxyHeaders.Set(request, new Principal("system:kube-aggregator", [Principal.MastersGroup], null));
            var client = transport.For(remote.CaBundle, remote.InsecureSkipTlsVerify, proxyClientCertificate, out var lastTlsFailure);
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    return (null, $"HTTP {(int)response.StatusCode}");
                }
                if (response.Content.Headers.ContentLength > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }
                await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
                var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(chunk, linked.Token)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                    {
                        return (null, TooLarge(maxBytes));
                    }
                    buffer.Write(chunk, 0, read);
                }
                return (buffer.ToArray(), null);
            }
            catch (HttpRequestException e)
            {
                return (null, BackendErrors.Describe(e, endpoint.ToString(), lastTlsFailure()));
            }
            catch (IOException e)
            {
                return (null, e.Message);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "timed out");
        }
    }

    private static string TooLarge(long maxBytes) => $"the answer is larger than {maxBytes} bytes";
}
