using Axolotl.Api.Core;
using Axolotl.Client;
using Axolotl.Hosting;
using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// One Secret followed by name, as the kubelet follows a pod's Secrets: a list narrowed to it by a metadata.name field
/// selector (its answer, even "none", is the first answer), then a watch with the same selector from that list's
/// resourceVersion; when the watch ends, again. A refusal (403: no Ingress or Gateway of ours names it, as the API
/// server sees it) counts as an answer with no Secret and is asked again after a backoff, since a reference may appear.
/// </summary>
internal sealed class TlsSecretWatch : IAsyncDisposable
{
    /// <summary>The server ends each watch after about this long; the Secret is then listed and watched again.</summary>
    private const int WatchTimeoutSeconds = 300;

    private readonly ResourceClient<Secret> _secrets;
    private readonly string _namespace;
    private readonly string _name;
    private readonly Action _changed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ExponentialBackoff _backoff;
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;
    private Secret? _current;
    private bool _answered;

    public TlsSecretWatch(ResourceClient<Secret> secrets, string ns, string name, Action changed, TimeProvider time, ILogger logger, TimeSpan initialBackoff,
        TimeSpan maxBackoff, CancellationToken ct)
    {
        _secrets = secrets;
        _namespace = ns;
        _name = name;
        _changed = changed;
        _time = time;
        _logger = logger;
        _backoff = new ExponentialBackoff(initialBackoff, maxBackoff);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>The Secret as last seen; null when it does not exist, may not be read, or before the first answer.</summary>
    public Secret? Current => Volatile.Read(ref _current);

    /// <summary>True once the server answered (the Secret, none, or a refusal).</summary>
    public bool Answered => Volatile.Read(ref _answered);

    private async Task RunAsync(CancellationToken ct)
    {
        var selector = "metadata.name=" + _name;
        var refusedBefore = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = await _secrets.ListAsync(_namespace, new ListOptions { FieldSelector = selector }, ct);
                Set(list.Items.FirstOrDefault(s => s.Metadata.Name == _name));
                refusedBefore = false;
                var started = _time.GetTimestamp();
                var events = 0;
                var options = new ListOptions { FieldSelector = selector, ResourceVersion = list.ResourceVersion ?? "", AllowWatchBookmarks = true, TimeoutSeconds = WatchTimeoutSeconds };
                await foreach (var e in _secrets.WatchAsync(_namespace, options, ct))
                {
                    events++;
                    switch (e.Type)
                    {
                        case WatchEventType.Added or WatchEventType.Modified when e.Object?.Metadata.Name == _name:
                            Set(e.Object);
                            break;
                        case WatchEventType.Deleted when e.Object?.Metadata.Name == _name:
                            Set(null);
                            break;
                        case WatchEventType.Error:
                            // Too old a resourceVersion, most often: list again.
                            events = 0;
                            break;
                    }
                    if (e.Type == WatchEventType.Error)
                    {
                        break;
                    }
                }
                if (events == 0 && _time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
                {
                    await Task.Delay(_backoff.Next(), _time, ct);
                }
                else
                {
                    _backoff.Reset();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException e) when (e.Code is 403 or 404 or 401)
            {
                if (!refusedBefore)
                {
                    IngressLog.SecretRefused(_logger, _namespace, _name, e.Message);
                    refusedBefore = true;
                }
                Set(null);
                await DelayAsync(ct);
            }
            catch (Exception e) when (e is KubeApiException || ApiUnavailable.Is(e))
            {
                // The server is away or said something odd: what was seen stays in use until it answers again.
                IngressLog.SecretWatchFailed(_logger, _namespace, _name, e.Message);
                await DelayAsync(ct);
            }
        }
    }

    private async Task DelayAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(_backoff.Next(), _time, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Keeps <paramref name="secret"/> and wakes the controller when it differs from what it had (or is the first answer).</summary>
    private void Set(Secret? secret)
    {
        var before = Current;
        var first = !Answered;
        Volatile.Write(ref _current, secret);
        Volatile.Write(ref _answered, true);
        if (first || before?.Metadata.ResourceVersion != secret?.Metadata.ResourceVersion || (before is null) != (secret is null))
        {
            _changed();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
