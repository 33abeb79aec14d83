namespace Axolotl.Client;

/// <summary>
/// Sends each request to the server that answered last and, when it cannot be reached (connection
/// refused, reset, TLS or DNS failure: no HTTP answer at all), to the next of the cluster's servers
/// in turn, as k3s's agent load balancer does. An HTTP answer, an error status included, is the
/// server's verdict and is returned as is. A request is tried at most once per server; a watch that
/// breaks later is re-established by its informer from the last resourceVersion, and that request
/// goes through here too, so it lands on a live server.
/// </summary>
public sealed class ServerFailoverHandler : DelegatingHandler
{
    private readonly Uri[] _servers;
    private int _current;

    public ServerFailoverHandler(IReadOnlyList<Uri> servers, HttpMessageHandler inner)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (servers.Count == 0)
        {
            throw new ArgumentException("at least one server is needed", nameof(servers));
        }
        _servers = [.. servers];
    }

    /// <summary>The server requests go to now.</summary>
    public Uri Current => _servers[Volatile.Read(ref _current)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri ?? throw new InvalidOperationException("a request needs a URI");
        var start = Volatile.Read(ref _current);
        for (var attempt = 0; ; attempt++)
        {
            var index = (start + attempt) % _servers.Length;
            request.RequestUri = Rebase(original, _servers[index]);
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                Volatile.Write(ref _current, index);
                return response;
            }
            catch (HttpRequestException) when (attempt < _servers.Length - 1 && !cancellationToken.IsCancellationRequested)
            {
                // Unreachable: the next server of the cluster.
            }
        }
    }

    /// <summary>The same path and query on <paramref name="server"/> (scheme, host and port replaced).</summary>
    public static Uri Rebase(Uri request, Uri server) => new UriBuilder(request)
    {
        Scheme = server.Scheme,
        Host = server.Host,
        Port = server.Port,
    }.Uri;
}
