using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Axolotl.Hosting;

namespace Axolotl.Images.Distribution;

/// <summary>
/// HTTP to registries as containerd's resolver and authorizer do it: a request that gets 401 with a
/// Bearer challenge fetches a token from the challenge's realm (anonymously, or with Basic
/// credentials for that registry) and is sent again with it; a Basic challenge is answered with the
/// credentials directly. Tokens are cached per realm, service, scope and user until they expire.
/// Credentials go only to the registry they are for and to the realm its challenge names; a redirect
/// (blob storage) is followed without them. Connection failures are retried a few times.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const int Attempts = 3;
    private const int MaxRedirects = 5;

    private readonly RegistryHosts _hosts;
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public RegistryClient(RegistryHosts hosts, TimeProvider time, RegistryTimeouts? timeouts = null)
    {
        _hosts = hosts;
        _time = time;
        Timeouts = timeouts ?? RegistryTimeouts.Default;
    }

    public RegistryTimeouts Timeouts { get; }

    /// <summary>The clock its timeouts run on.</summary>
    public TimeProvider Time => _time;

    /// <summary>
    /// Sends a GET for <paramref name="url"/> (on <paramref name="endpoint"/>) with what authentication it
    /// takes. The response is the caller's to dispose; any status is returned (the caller maps it).
    /// </summary>
    public async Task<HttpResponseMessage> GetAsync(Uri endpoint, Uri url, string repository, IReadOnlyList<string> accept,
        IReadOnlyList<RegistryCredential> credentials, CancellationToken ct)
    {
        var client = ClientFor(endpoint);
        var authorization = CachedAuthorization(endpoint, repository);
        var response = await SendWithRetriesAsync(client, url, accept, authorization, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized && AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString()) is { } challenge)
        {
            var candidates = credentials.Where(c => DockerConfigCredentials.Matches(c, endpoint.Authority) || DockerConfigCredentials.Matches(c, RegistryOf(repository, endpoint)))
                .Append(_hosts.CredentialFor(endpoint.Authority))
                .OfType<RegistryCredential>()
                .Distinct()
                .Cast<RegistryCredential?>()
                .DefaultIfEmpty(null)
                .ToList();
            foreach (var credential in candidates)
            {
                var header = await AuthorizeAsync(challenge, endpoint, repository, credential, ct);
                response.Dispose();
                response = await SendWithRetriesAsync(client, url, accept, header, ct);
                if (response.StatusCode != HttpStatusCode.Unauthorized && response.StatusCode != HttpStatusCode.Forbidden)
                {
                    break;
                }
            }
        }

        return await FollowRedirectsAsync(response, accept, ct);
    }

    /// <summary>The registry a repository belongs to, for matching credentials (docker.io for registry-1.docker.io).</summary>
    private static string RegistryOf(string repository, Uri endpoint) =>
        endpoint.Host == "registry-1.docker.io" ? ImageReference.DockerHub : endpoint.Authority;

    private AuthenticationHeaderValue? CachedAuthorization(Uri endpoint, string repository)
    {
        var prefix = $"{endpoint.Authority}|repository:{repository}:pull|";
        foreach (var (key, value) in _tokens)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && value.Expires > _time.GetUtcNow())
            {
                return new AuthenticationHeaderValue("Bearer", value.Token);
            }
        }

        return null;
    }

    private async Task<AuthenticationHeaderValue> AuthorizeAsync(AuthChallenge challenge, Uri endpoint, string repository, RegistryCredential? credential, CancellationToken ct)
    {
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return credential is null
                ? throw new ImagePullException("failed to authorize: no basic auth credentials", ImagePullFailure.Unauthorized)
                : Basic(credential);
        }

        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || !challenge.Parameters.TryGetValue("realm", out var realm)
            || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
        {
            throw new ImagePullException($"failed to authorize: unsupported challenge \"{challenge.Scheme}\"", ImagePullFailure.Unauthorized);
        }

        var scope = challenge.Parameters.GetValueOrDefault("scope") ?? $"repository:{repository}:pull";
        var service = challenge.Parameters.GetValueOrDefault("service");
        var cacheKey = $"{endpoint.Authority}|{scope}|{credential?.Username}";
        if (_tokens.TryGetValue(cacheKey, out var cached) && cached.Expires > _time.GetUtcNow())
        {
            return new AuthenticationHeaderValue("Bearer", cached.Token);
        }

        var query = new StringBuilder(realmUri.Query.Length > 1 ? realmUri.Query[1..] + "&" : "");
        if (service is not null)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        var tokenUrl = new UriBuilder(realmUri) { Query = query.ToString() }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUrl);
        if (credential is not null)
        {
            request.Headers.Authorization = Basic(credential);
        }

        HttpResponseMessage response;
        try
        {
            response = await ClientFor(realmUri).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ImagePullException($"failed to authorize: failed to fetch {(credential is null ? "anonymous" : "oauth")} token: {Describe(e, tokenUrl)}", ImagePullFailure.Network, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ImagePullException(
                    $"failed to authorize: failed to fetch {(credential is null ? "anonymous" : "oauth")} token: unexpected status from GET request to {tokenUrl}: {(int)response.StatusCode} {response.ReasonPhrase}",
                    ImagePullFailure.Unauthorized);
            }

            var body = await ReadLimitedAsync(response, 1024 * 1024, ct);
            using var json = JsonDocument.Parse(body);
            var token = json.RootElement.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : json.RootElement.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (string.IsNullOrEmpty(token))
            {
                throw new ImagePullException("failed to authorize: the token server answered without a token", ImagePullFailure.Unauthorized);
            }

            var lifetime = json.RootElement.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) && seconds > 0 ? seconds : 60;
            _tokens[cacheKey] = (token, _time.GetUtcNow().AddSeconds(Math.Max(lifetime - 10, 5)));
            return new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpClient client, Uri url, IReadOnlyList<string> accept,
        AuthenticationHeaderValue? authorization, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var type in accept)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            request.Headers.Authorization = authorization;
            try
            {
                using var timeout = Deadline.After(Timeouts.Response, _time, ct);
                var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var retryable = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                if (!retryable || attempt == Attempts)
                {
                    return response;
                }

                response.Dispose();
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                // A refused connection or an unknown host will not change in a second: fail at once.
                if (attempt == Attempts || e is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound } })
                {
                    throw new ImagePullException($"failed to do request: {Describe(e, url)}", ImagePullFailure.Network, e);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt * attempt), _time, ct);
        }
    }

    private async Task<HttpResponseMessage> FollowRedirectsAsync(HttpResponseMessage response, IReadOnlyList<string> accept, CancellationToken ct)
    {
        for (var i = 0; i < MaxRedirects && (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location; i++)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
            response.Dispose();
            if (target.Scheme is not ("http" or "https"))
            {
                throw new ImagePullException($"the registry redirected to {target.Scheme}:", ImagePullFailure.Registry);
            }

            // Storage behind a redirect gets no registry credentials (its URL carries its own signature).
            response = await SendWithRetriesAsync(ClientFor(target), target, accept, null, ct);
        }

        return response;
    }

    /// <summary>Go's wording for a failed request, as containerd's errors carry it.</summary>
    internal static string Describe(Exception e, Uri url)
    {
        var socket = e.InnerException as SocketException ?? e.InnerException?.InnerException as SocketException;
        var detail = socket?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => $"dial tcp {url.Authority}: connect: connection refused",
            SocketError.HostNotFound or SocketError.NoData => $"dial tcp: lookup {url.Host}: no such host",
            SocketError.TimedOut => $"dial tcp {url.Authority}: i/o timeout",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => $"dial tcp {url.Authority}: connect: network is unreachable",
            _ => e is OperationCanceledException ? "context deadline exceeded" : e.Message,
        };
        return $"Get \"{url}\": {detail}";
    }

    /// <summary>A document (manifest, token, error) of at most <paramref name="limit"/> bytes, from a body that keeps moving.</summary>
    internal async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, int limit, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > limit)
        {
            throw new ImagePullException($"the registry's answer is larger than {limit} bytes", ImagePullFailure.Verification);
        }

        try
        {
            await using var stream = new StallGuardStream(await response.Content.ReadAsStreamAsync(ct), Timeouts.Stall, _time);
            using var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int n;
            while ((n = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + n > limit)
                {
                    throw new ImagePullException($"the registry's answer is larger than {limit} bytes", ImagePullFailure.Verification);
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
        catch (IOException e)
        {
            throw new ImagePullException($"failed to read {response.RequestMessage?.RequestUri}: {e.Message}", ImagePullFailure.Network, e);
        }
    }

    private HttpClient ClientFor(Uri endpoint) => _clients.GetOrAdd(endpoint.Scheme + "://" + endpoint.Authority, _ =>
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Timeouts.Connect,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        if (_hosts.TlsFor(endpoint.Authority) is { } tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(tls, certificate, chain, errors),
                ClientCertificates = tls.ClientCertificate is { } client ? [client] : null,
            };
        }

        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    });

    private static bool Validate(RegistryTls tls, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None || tls.InsecureSkipVerify)
        {
            return true;
        }

        if (tls.CaFile is null || certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.ImportFromPemFile(tls.CaFile);
        return custom.Build(new X509Certificate2(certificate));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
