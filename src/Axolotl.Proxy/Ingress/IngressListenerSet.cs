using Microsoft.Extensions.Logging;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// The Ingress controller's open listeners, brought in line with an <see cref="IngressListenPlan"/>: endpoints no
/// longer wanted (an address the node lost, one a Service now holds) close first, then the missing ones open. An
/// endpoint that cannot bind is tried again on the next pass; the operator hears about it once, one line per port,
/// and again only after it had bound in between. Only the controller's listener loop calls it.
/// </summary>
internal sealed class IngressListenerSet(Func<IngressEndpoint, CancellationToken, Task<IngressListener>> open, ILogger logger) : IAsyncDisposable
{
    private readonly Dictionary<IngressEndpoint, IngressListener> _open = [];
    private readonly HashSet<IngressEndpoint> _reportedFailures = [];
    private readonly HashSet<IngressEndpoint> _reportedLeft = [];
    private IReadOnlyList<IngressEndpoint> _listening = [];
    private IReadOnlyDictionary<IngressEndpoint, string> _failures = new Dictionary<IngressEndpoint, string>();

    /// <summary>The endpoints serving now.</summary>
    public IReadOnlyList<IngressEndpoint> Listening => Volatile.Read(ref _listening);

    /// <summary>The wanted endpoints the last pass could not bind, and why.</summary>
    public IReadOnlyDictionary<IngressEndpoint, string> Failures => Volatile.Read(ref _failures);

    /// <summary>One pass; true when a wanted endpoint could not bind (the caller tries again later).</summary>
    public async Task<bool> ReconcileAsync(IngressListenPlan plan, CancellationToken ct)
    {
        foreach (var endpoint in _open.Keys.Where(e => !plan.Endpoints.Contains(e)).ToList())
        {
            await _open[endpoint].DisposeAsync();
            _open.Remove(endpoint);
            IngressLog.StoppedListening(logger, endpoint);
        }
        foreach (var (endpoint, service) in plan.LeftToServices)
        {
            if (_reportedLeft.Add(endpoint))
            {
                IngressLog.LeftToService(logger, endpoint, service);
            }
        }
        _reportedLeft.IntersectWith(plan.LeftToServices.Keys);
        var failures = new List<(IngressEndpoint Endpoint, string Reason)>();
        foreach (var endpoint in plan.Endpoints.Where(e => !_open.ContainsKey(e)).OrderBy(e => e.Port).ThenBy(e => e.Address.ToString(), StringComparer.Ordinal))
        {
            try
            {
                _open[endpoint] = await open(endpoint, ct);
                _reportedFailures.Remove(endpoint);
                IngressLog.Listening(logger, endpoint);
            }
            catch (IOException e)
            {
                failures.Add((endpoint, e.Message));
            }
        }
        Volatile.Write(ref _listening, [.. _open.Keys]);
        Volatile.Write(ref _failures, failures.ToDictionary(f => f.Endpoint, f => f.Reason));
        // One warning per port, naming each address that is new to the report.
        foreach (var port in failures.Where(f => _reportedFailures.Add(f.Endpoint)).GroupBy(f => f.Endpoint.Port))
        {
            var where = string.Join(", ", port.Select(f => f.Endpoint.Address.ToString()));
            var reasons = string.Join("; ", port.Select(f => f.Reason).Distinct(StringComparer.Ordinal));
            IngressLog.BindFailed(logger, port.Key, where, reasons);
        }
        // A failure that is no longer wanted may be reported again if it comes back.
        _reportedFailures.IntersectWith(plan.Endpoints);
        return failures.Count > 0;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _open.Values)
        {
            await listener.DisposeAsync();
        }
        _open.Clear();
        Volatile.Write(ref _listening, []);
    }
}
