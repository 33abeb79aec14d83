using Axolotl.ApiServer.Security.Rbac;

namespace Axolotl.ApiServer.FlowControl.WorkEstimation;

/// <summary>
/// How many watches are open on what (upstream's watch tracker), so a write can be priced by the watchers its event
/// goes to: the watches of its resource across namespaces, those of its namespace, and those of its object by name.
/// Pod watches narrowed by spec.nodeName (each kubelet's) are not counted: the watch cache indexes them, so an event
/// reaches one of them, not all.
/// </summary>
public sealed class WatchTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Group, string Resource, string Namespace, string Name), int> _counts = [];

    /// <summary>Counts a watch while it is open: dispose the result when it ends. Null for what is not counted.</summary>
    public IDisposable? Register(AuthorizationRequest watch, string? fieldSelector)
    {
        if (watch.Verb != "watch" || !watch.IsResourceRequest || watch.Subresource is not null)
        {
            return null;
        }
        if (watch.Group.Length == 0 && watch.Resource == "pods" && NodeIndexed(fieldSelector))
        {
            return null;
        }
        var key = (watch.Group, watch.Resource, watch.Namespace ?? "", watch.Name ?? "");
        Add(key, 1);
        return new Forget(key, this);
    }

    /// <summary>The watches a change to this object is sent to (0 for reads).</summary>
    public int InterestedWatches(AuthorizationRequest request)
    {
        if (!request.IsResourceRequest || request.Verb is "get" or "list" or "watch" or "proxy")
        {
            return 0;
        }
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault((request.Group, request.Resource, "", ""));
            if (request.Namespace is { } ns)
            {
                count += _counts.GetValueOrDefault((request.Group, request.Resource, ns, ""));
                if (request.Name is { } name)
                {
                    count += _counts.GetValueOrDefault((request.Group, request.Resource, ns, name));
                }
            }
            else if (request.Name is { } name)
            {
                count += _counts.GetValueOrDefault((request.Group, request.Resource, "", name));
            }
            return count;
        }
    }

    private void Add((string, string, string, string) key, int delta)
    {
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault(key) + delta;
            if (count <= 0)
            {
                _counts.Remove(key);
            }
            else
            {
                _counts[key] = count;
            }
        }
    }

    private static bool NodeIndexed(string? fieldSelector)
    {
        if (string.IsNullOrEmpty(fieldSelector))
        {
            return false;
        }
        try
        {
            return Api.Selectors.FieldSelector.Parse(fieldSelector).Requirements
                .Any(r => r.Field == "spec.nodeName" && r.Operator is Api.Selectors.SelectionOperator.Equals or Api.Selectors.SelectionOperator.DoubleEquals && r.Value.Length > 0);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private sealed class Forget((string, string, string, string) key, WatchTracker tracker) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                tracker.Add(key, -1);
            }
        }
    }
}
