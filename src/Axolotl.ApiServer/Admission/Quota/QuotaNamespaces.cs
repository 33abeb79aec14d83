using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// Which namespaces hold a ResourceQuota, so that a write into a namespace without one (most of them)
/// skips reading the store for quotas, as upstream's admission asks its quota lister first. Kept from
/// the quota status updater's store watch, plus the quotas this server itself just created: a quota
/// created through this server counts for the next request at once, before the watch shows it
/// (read-your-writes; a quota created through another server of the control plane counts once this
/// server's watch has it, as an informer's lag in upstream). Answers null until the first list, and
/// the callers then read the store. A namespace said to hold quotas always goes to the store, so a
/// quota deleted meanwhile only costs that read.
/// </summary>
public sealed class QuotaNamespaces
{
    private static readonly string Prefix = ObjectStore.Prefix(KnownResources.ResourceQuotas, null);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _quotas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _createdHere = new(StringComparer.Ordinal);
    private long _seenRevision;
    private bool _synced;

    /// <summary>Whether <paramref name="ns"/> holds a quota; null while the watch has not listed yet.</summary>
    public bool? HasQuotas(string ns)
    {
        lock (_lock)
        {
            if (!_synced)
            {
                return null;
            }
            if (_quotas.ContainsKey(ns))
            {
                return true;
            }
            if (_createdHere.TryGetValue(ns, out var revision))
            {
                if (revision > _seenRevision)
                {
                    return true;
                }
                _createdHere.Remove(ns); // the watch has caught up with it: its own view decides now
            }
            return false;
        }
    }

    /// <summary>Whether <paramref name="ns"/> holds a quota: from what this set knows, or from the store until its watch listed.</summary>
    public async Task<bool> HasQuotasAsync(ObjectStore objects, string ns, CancellationToken ct) =>
        HasQuotas(ns) ?? (await objects.ListAsync(KnownResources.ResourceQuotas, ns, 1, null, ct)).Items.Count > 0;

    /// <summary>This server stored a quota in <paramref name="ns"/> at <paramref name="revision"/>.</summary>
    public void CreatedHere(string ns, long revision)
    {
        lock (_lock)
        {
            _createdHere[ns] = Math.Max(revision, _createdHere.GetValueOrDefault(ns));
        }
    }

    /// <summary>The watch listed every quota (first list or relist) at <paramref name="quotas"/>' revision.</summary>
    public void Replace(StoreListResult quotas)
    {
        lock (_lock)
        {
            _quotas.Clear();
            foreach (var entry in quotas.Items)
            {
                Add(entry.Key);
            }
            _seenRevision = Math.Max(_seenRevision, quotas.Revision);
            _synced = true;
        }
    }

    /// <summary>One change of the store's (the watch covers every key): quotas are counted, every change moves the revision seen.</summary>
    public void Apply(StoreEvent change)
    {
        lock (_lock)
        {
            _seenRevision = Math.Max(_seenRevision, change.Entry.ModRevision);
            if (!change.Entry.Key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return;
            }
            if (change.Type == StoreEventType.Deleted)
            {
                Remove(change.Entry.Key);
            }
            else if (change.Type is StoreEventType.Added or StoreEventType.Modified)
            {
                Add(change.Entry.Key);
            }
        }
    }

    private void Add(string key)
    {
        if (Split(key) is not var (ns, name))
        {
            return;
        }
        if (!_quotas.TryGetValue(ns, out var names))
        {
            _quotas[ns] = names = new HashSet<string>(StringComparer.Ordinal);
        }
        names.Add(name);
    }

    private void Remove(string key)
    {
        if (Split(key) is var (ns, name) && _quotas.TryGetValue(ns, out var names) && names.Remove(name) && names.Count == 0)
        {
            _quotas.Remove(ns);
        }
    }

    /// <summary>/resourcequotas/NS/NAME into its namespace and name; null for anything else.</summary>
    private static (string Namespace, string Name)? Split(string key)
    {
        var rest = key.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        return slash <= 0 || slash == rest.Length - 1 ? null : (rest[..slash].ToString(), rest[(slash + 1)..].ToString());
    }
}
