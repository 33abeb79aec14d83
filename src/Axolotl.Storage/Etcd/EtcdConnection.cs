using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;

namespace Axolotl.Storage.Etcd;

/// <summary>
/// etcd's v3 gRPC API on each member's client port: dotnet-etcd's generated stubs over one HTTP/2 channel per
/// member (docs/adr/0032-etcd-over-grpc.md). Requests go to the member that answered last; a member that cannot
/// be reached is skipped for the next one. A request that reached a member and then failed is retried elsewhere
/// only when it is a read: a write may have been applied, so its caller gets <see cref="StoreUnavailableException"/>.
/// </summary>
internal sealed class EtcdConnection : IDisposable
{
    /// <summary>kube-apiserver's etcd client keep-alive: a ping after 30 s without frames, the connection gone 10 s later.</summary>
    private static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(10);

    private readonly EtcdEndpoint[] _members;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeProvider _time;
    private int _preferred;

    public EtcdConnection(EtcdStoreOptions options, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfZero(options.Endpoints.Count);
        _timeout = options.RequestTimeout;
        _connectTimeout = options.ConnectTimeout;
        _time = time;
        _members = [.. options.Endpoints.Select(endpoint => new EtcdEndpoint(endpoint, Open(endpoint, options)))];
    }

    /// <summary>The members' client URLs as configured.</summary>
    public IEnumerable<Uri> Endpoints => _members.Select(m => m.Endpoint);

    public string Describe() => string.Join(",", _members.Select(m => m.Name));

    /// <summary>
    /// One unary call on the preferred member, then on the others while the request cannot have been applied
    /// (the member could not be reached, or the call is a read).
    /// </summary>
    public async Task<T> CallAsync<T>(Func<EtcdEndpoint, CallOptions, AsyncUnaryCall<T>> call, bool idempotent, CancellationToken ct)
    {
        var failures = new List<string>();
        var start = Volatile.Read(ref _preferred);
        for (var attempt = 0; attempt < _members.Length; attempt++)
        {
            var index = (start + attempt) % _members.Length;
            var member = _members[index];
            using var timeout = new CancellationTokenSource(_timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                var answer = await call(member, new CallOptions(cancellationToken: linked.Token));
                Volatile.Write(ref _preferred, index);
                return answer;
            }
            catch (RpcException e) when (NeverSent(e))
            {
                failures.Add($"{member.Name}: {Reason(e)}");
            }
            catch (RpcException e)
            {
                var error = ToException(e);
                if (error is not StoreUnavailableException)
                {
                    throw error;
                }

                if (idempotent)
                {
                    failures.Add($"{member.Name}: {error.Message}");
                    continue;
                }

                // etcd's own "request timed out" may have been applied too; a broken connection certainly may.
                throw e.Status.DebugException is null
                    ? error
                    : new StoreUnavailableException($"etcd member {member.Name} failed during a write, its outcome is unknown: {Reason(e)}");
            }
            catch (OperationCanceledException) when (!linked.IsCancellationRequested)
            {
                // Cancelled by neither us nor the caller: the handler's connect timeout, so the request never went out.
                failures.Add($"{member.Name}: {NoConnection()}");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                var message = $"{member.Name}: no answer within {_timeout.TotalSeconds:0.#} s";
                if (!idempotent)
                {
                    throw new StoreUnavailableException($"etcd request timed out, the write's outcome is unknown ({message})");
                }

                failures.Add(message);
            }
        }

        throw new StoreUnavailableException($"etcd is unavailable: {string.Join("; ", failures)}");
    }

    /// <summary>
    /// One call to one named member and no other: maintenance (status, defragment) is about that member. Not
    /// retried; any failure to get an answer is <see cref="StoreUnavailableException"/>.
    /// </summary>
    public async Task<T> CallMemberAsync<T>(Uri endpoint, Func<EtcdEndpoint, CallOptions, AsyncUnaryCall<T>> call, TimeSpan timeout, CancellationToken ct)
    {
        var member = _members.First(m => m.Endpoint == endpoint);
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            return await call(member, new CallOptions(cancellationToken: linked.Token));
        }
        catch (RpcException e)
        {
            var error = ToException(e);
            throw error is StoreUnavailableException ? new StoreUnavailableException($"etcd member {member.Name}: {Reason(e)}") : error;
        }
        catch (OperationCanceledException) when (!linked.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"etcd member {member.Name}: {NoConnection()}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"etcd member {member.Name}: no answer within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// Opens a watch stream on the first member that accepts <paramref name="create"/> and returns it with the
    /// member's first answer (the "created" one, or the refusal). Only that first answer is waited for with the
    /// request timeout; the stream itself lives until <paramref name="ct"/> ends it.
    /// </summary>
    public async Task<(AsyncDuplexStreamingCall<Etcdserverpb.WatchRequest, Etcdserverpb.WatchResponse> Call, Etcdserverpb.WatchResponse First)> OpenWatchAsync(
        Etcdserverpb.WatchRequest create, CancellationToken ct)
    {
        var failures = new List<string>();
        var start = Volatile.Read(ref _preferred);
        for (var attempt = 0; attempt < _members.Length; attempt++)
        {
            var member = _members[(start + attempt) % _members.Length];
            using var timeout = new CancellationTokenSource(_timeout, _time);
            using var first = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            var call = member.Watch.Watch(new CallOptions(cancellationToken: ct));
            try
            {
                await call.RequestStream.WriteAsync(create, first.Token);
                if (await call.ResponseStream.MoveNext(first.Token))
                {
                    return (call, call.ResponseStream.Current);
                }

                failures.Add($"{member.Name}: the watch stream ended before it was created");
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is RpcException or OperationCanceledException or IOException)
            {
                // A call that failed (refused, say) also fails its writes, as a cancellation: its status says why.
                failures.Add($"{member.Name}: {(timeout.IsCancellationRequested ? $"no answer within {_timeout.TotalSeconds:0.#} s" : WhyFailed(call, e))}");
            }
            catch
            {
                call.Dispose();
                throw;
            }

            call.Dispose();
        }

        throw new StoreUnavailableException($"etcd is unavailable for a watch: {string.Join("; ", failures)}");
    }

    public void Dispose()
    {
        foreach (var member in _members)
        {
            member.Channel.Dispose();
        }
    }

    /// <summary>
    /// SocketsHttpHandler reports its ConnectTimeout (TCP connect and TLS handshake) as a cancellation that neither the
    /// caller's token nor the request's deadline made; on a busy machine a handshake can take that long.
    /// </summary>
    private string NoConnection() => $"no connection within {_connectTimeout.TotalSeconds:0.#} s";

    private string WhyFailed<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call, Exception e)
    {
        if (e is RpcException rpc)
        {
            return Reason(rpc);
        }

        try
        {
            return Reason(new RpcException(call.GetStatus()));
        }
        catch (InvalidOperationException)
        {
            // The call has no status yet: the cancellation was the connect timeout's.
            return e is OperationCanceledException ? NoConnection() : e.Message;
        }
    }

    /// <summary>Maps a failed call onto the store's exceptions.</summary>
    internal static StoreException ToException(RpcException e)
    {
        var message = string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
        if (message.Contains("required revision has been compacted", StringComparison.Ordinal))
        {
            return new EtcdRevisionException(compacted: true, message);
        }

        if (message.Contains("required revision is a future revision", StringComparison.Ordinal))
        {
            return new EtcdRevisionException(compacted: false, message);
        }

        // Unavailable (etcd's "request timed out", "no leader", "leader changed" among them), DeadlineExceeded,
        // and a connection that broke all mean "try again later", not a problem with the request.
        return e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded || e.Status.DebugException is not null
            || message.Contains("etcdserver: request timed out", StringComparison.Ordinal)
            || message.Contains("etcdserver: no leader", StringComparison.Ordinal)
            || message.Contains("etcdserver: leader changed", StringComparison.Ordinal)
            ? new StoreUnavailableException(message)
            : new StoreException($"etcd refused the request: {message}");
    }

    /// <summary>
    /// The call failed while connecting (refused, unreachable, the handshake timed out), so the request never
    /// reached the member. etcd's own errors carry no local exception.
    /// </summary>
    private static bool NeverSent(RpcException e) =>
        e.StatusCode == StatusCode.Unavailable && Causes(e.Status.DebugException).Any(inner =>
            inner is SocketException or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError }
                or TimeoutException);

    /// <summary>The most telling reason: the innermost local exception's message (e.g. "Connection refused"), else etcd's.</summary>
    private string Reason(RpcException e)
    {
        var inner = Causes(e.Status.DebugException).LastOrDefault();
        return inner switch
        {
            null => string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail,
            TimeoutException or OperationCanceledException => NoConnection(),
            _ => inner.Message,
        };
    }

    private static IEnumerable<Exception> Causes(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private GrpcChannel Open(Uri endpoint, EtcdStoreOptions options) => GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            UseProxy = false,
            AllowAutoRedirect = false,
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            SslOptions = options.Tls?.ClientOptions() ?? new System.Net.Security.SslClientAuthenticationOptions(),
        },
        DisposeHttpClient = true,
        // A list of every pod is one message; etcd's own client takes up to 2 GiB.
        MaxReceiveMessageSize = null,
        MaxSendMessageSize = null,
        // Our deadlines and the caller's cancellations surface as themselves, as they did over HTTP.
        ThrowOperationCanceledOnCancellation = true,
        // A member that comes back is tried again within the watch's own retry ceiling, not gRPC's 120 s.
        InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
        MaxReconnectBackoff = options.WatchRetryMax,
    });
}
