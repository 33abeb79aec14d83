using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Axolotl.Api.Apiextensions.Definitions;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Axolotl.Hosting;
using Axolotl.Storage;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// Follows the CRDs in the store and reconciles each one that changed, one at a time (names are decided
/// against the others, so one worker keeps the decisions ordered). Runs inside the API server because
/// the catalog it feeds answers every request (ADR 0021), as upstream's apiextensions controllers run
/// inside kube-apiserver.
/// </summary>
public sealed partial class CustomResourceDefinitionController
{
    private static readonly TimeSpan Requeue = TimeSpan.FromSeconds(1);

    private readonly ObjectStore _objects;
    private readonly ResourceCatalog _catalog;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CustomResourceDefinitionReconciler _reconciler;
    private readonly ConcurrentDictionary<string, JsonObject> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _dirty = new(StringComparer.Ordinal);

    // Capacity 1, a full channel drops the write: one pending wake-up already covers every name in _dirty.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public CustomResourceDefinitionController(ObjectStore objects, ResourceCatalog catalog, TimeProvider clock, ILogger<CustomResourceDefinitionController> logger)
    {
        _objects = objects;
        _catalog = catalog;
        _clock = clock;
        _logger = logger;
        _reconciler = new CustomResourceDefinitionReconciler(objects, catalog, clock);
    }

    /// <summary>
    /// Starts following the store and returns once the first list is in the catalog, so that a restarted
    /// server serves its Established CRDs' resources from its first request.
    /// </summary>
    public async Task StartAsync(CancellationToken stopping)
    {
        var prefix = ObjectStore.Prefix(KnownResources.CustomResourceDefinitions, null);
        var reflector = new StoreReflector(_objects.Store, "CRD controller", Replace, Apply, _clock, _logger) { ListPrefix = prefix };
        _ = DelegateLoop.StartNew("crd-reflector", LoopFailurePolicy.RestartWithBackoff, reflector.RunAsync, _clock, _logger, stopping);
        _ = DelegateLoop.StartNew("crd-controller", LoopFailurePolicy.RestartWithBackoff, WorkAsync, _clock, _logger, stopping);
        await reflector.Synced.WaitAsync(stopping);
    }

    private void Replace(StoreListResult list)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in list.Items)
        {
            var crd = ObjectStore.Decode(entry).Object;
            var name = NameOf(crd);
            seen.Add(name);
            _known[name] = crd;
            // Serve what is already Established at once; the worker confirms it right after.
            if (CustomResourceDefinitionConditions.IsTrue(crd, CustomResourceDefinitionConditions.Established) && !ObjectMetaRules.IsDeleting(crd))
            {
                _catalog.SetCustom(name, CustomResourceTypes.From(crd));
            }
            MarkDirty(name);
        }
        foreach (var gone in _known.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _known.TryRemove(gone, out _);
            MarkDirty(gone);
        }
    }

    private void Apply(StoreEvent change)
    {
        var name = change.Entry.Key[(change.Entry.Key.LastIndexOf('/') + 1)..];
        if (change.Type == StoreEventType.Deleted)
        {
            _known.TryRemove(name, out _);
        }
        else
        {
            _known[name] = ObjectStore.Decode(change.Entry).Object;
        }
        MarkDirty(name);
        // A CRD that gave up names may unblock another that wanted them: look at every CRD again.
        foreach (var other in _known.Keys)
        {
            if (other != name)
            {
                _dirty.TryAdd(other, 0);
            }
        }
    }

    private void MarkDirty(string name)
    {
        _dirty.TryAdd(name, 0);
        _wake.Writer.TryWrite(true);
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        while (await _wake.Reader.WaitToReadAsync(ct))
        {
            _wake.Reader.TryRead(out _);
            var retry = false;
            // Oldest first, so that of two CRDs asking for the same names the older one gets them.
            foreach (var name in _dirty.Keys.OrderBy(CreationOrder).ThenBy(n => n, StringComparer.Ordinal).ToList())
            {
                _dirty.TryRemove(name, out _);
                try
                {
                    if (await _reconciler.ReconcileAsync(name, () => _known.Values, ct))
                    {
                        _dirty.TryAdd(name, 0);
                        retry = true;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogReconcileFailed(_logger, e, name);
                    _dirty.TryAdd(name, 0);
                    retry = true;
                }
            }
            if (retry)
            {
                await Task.Delay(Requeue, _clock, ct);
                _wake.Writer.TryWrite(true);
            }
        }
    }

    private string CreationOrder(string name) =>
        _known.TryGetValue(name, out var crd) ? ObjectMetaRules.Meta(crd)["creationTimestamp"]?.ToString() ?? "" : "";

    private static string NameOf(JsonObject crd) => ObjectMetaRules.Meta(crd)["name"]?.ToString() ?? "";

    [LoggerMessage(Level = LogLevel.Warning, Message = "CustomResourceDefinition {Name}: reconcile failed; retrying")]
    private static partial void LogReconcileFailed(ILogger logger, Exception e, string name);
}
