using Axolotl.Api.Networking;

namespace Axolotl.Proxy.Ingress;

/// <summary>The Ingress controller's configuration; the limits are ingress-nginx's defaults where it has one.</summary>
public sealed record IngressOptions
{
    /// <summary>The node this controller runs on (events' source host).</summary>
    public required string NodeName { get; init; }

    /// <summary>The address written to status.loadBalancer.ingress of every Ingress served: the node's IP.</summary>
    public required string StatusAddress { get; init; }

    /// <summary>Plain HTTP port, on loopback and each of the node's own addresses (never the wildcard: ADR 0025); 0: none.</summary>
    public int HttpPort { get; init; } = 80;

    /// <summary>TLS port (HTTP/1.1 and HTTP/2 by ALPN); 0: none.</summary>
    public int HttpsPort { get; init; } = 443;

    public string ControllerName { get; init; } = IngressClassSelection.ControllerName;

    /// <summary>Endpoints one request may try when the ones before failed without answering (nginx's proxy_next_upstream_tries is unbounded; 3 caps a crash of many pods).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Connect to a backend (nginx's proxy-connect-timeout is 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Silence allowed from a backend, for its headers or between body reads (nginx's proxy-read-timeout is 60 s).</summary>
    public TimeSpan BackendTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Request line (URL) length; longer: 414 (nginx: large-client-header-buffers 4 8k).</summary>
    public int MaxRequestLineSize { get; init; } = 8 * 1024;

    /// <summary>All request headers together; more: 431.</summary>
    public int MaxRequestHeadersTotalSize { get; init; } = 32 * 1024;

    public int MaxRequestHeaderCount { get; init; } = 100;

    /// <summary>Request body size; larger: 413 (ingress-nginx's proxy-body-size is 1m).</summary>
    public long MaxRequestBodySize { get; init; } = 1024 * 1024;

    /// <summary>Time to receive a request's headers; a client slower than that (slowloris) is cut off (nginx's client_header_timeout is 60 s).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An idle keep-alive connection is closed after this (ingress-nginx: keep-alive 75 s).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>How long after a failed bind (the port taken on an address) the listener loop looks again.</summary>
    public TimeSpan BindRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after a failed status write the controller tries again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Read each TLS Secret by name (a get-and-watch per Secret named) instead of an informer of every Secret: a joined
    /// node's identity may read only the Secrets its Ingresses name (ADR 0025 *Identity*).
    /// </summary>
    public bool ReadSecretsByName { get; init; }

    public TimeSpan InformerInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan InformerMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
