using System.Collections.Concurrent;
using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Apiextensions;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Controllers.ReplicaSets;
using Axolotl.Controllers.Runtime;

namespace Axolotl.Controllers.Autoregister;

/// <summary>
/// Keeps one APIService name at the level <see cref="AutoregisterDecision"/> asks for: desired is the built-in
/// group/version of that name, else a CRD's served version, else nothing. Remembers which names it has
/// reconciled since it started and which APIServices existed then, for the table's "once" rows.
/// </summary>
public sealed class AutoregisterReconciler(KubeClient client, IObjectCache<APIService> apiServices, IObjectCache<CustomResourceDefinition> crds,
    IReadOnlyDictionary<string, APIService> builtIns) : IReconciler<string>
{
    private readonly ConcurrentDictionary<string, byte> _synced = new(StringComparer.Ordinal);
    private volatile HashSet<string> _presentAtStart = new(StringComparer.Ordinal);

    /// <summary>Called once the caches synced and before the first reconcile: the APIServices that exist now.</summary>
    public void RecordPresentAtStart(IEnumerable<string> names) => _presentAtStart = new HashSet<string>(names, StringComparer.Ordinal);

    /// <summary>Every name worth a first look: the built-ins, the CRDs' versions and every APIService there is.</summary>
    public IEnumerable<string> AllNames() =>
        builtIns.Keys.Concat(crds.List(null).SelectMany(CustomResourceApiServices.Names)).Concat(apiServices.List(null).Select(a => a.Metadata.Name ?? "")).Distinct(StringComparer.Ordinal);

    public APIService? Desired(string name) => builtIns.GetValueOrDefault(name) ?? CustomResourceApiServices.Desired(name, crds.List(null));

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var current = apiServices.Get(null, key);
        if (current is not null && BuiltInApiServices.YieldsToService(current))
        {
            // Neither updated nor deleted: an installed metrics server keeps its APIService.
            _synced[key] = 0;
            return ReconcileResult.Done;
        }
        var desired = Desired(key);
        var resource = client.Resource<APIService>();
        switch (AutoregisterDecision.Decide(desired, current, _synced.ContainsKey(key), _presentAtStart.Contains(key)))
        {
            case AutoregisterAction.Create:
                try
                {
                    await resource.CreateAsync(ObjectCopy.DeepCopy(desired!), ct);
                }
                catch (KubeApiException e) when (e.IsAlreadyExists)
                {
                    // Created in the meantime: its event brings the name back.
                }
                break;
            case AutoregisterAction.Update:
                var updated = ObjectCopy.DeepCopy(current!);
                updated.Spec = ObjectCopy.DeepCopy(desired!.Spec!);
                try
                {
                    await resource.UpdateAsync(updated, ct);
                }
                catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
                {
                    // Deleted or changed in the meantime: its event brings the name back.
                }
                break;
            case AutoregisterAction.Delete:
                try
                {
                    await resource.DeleteAsync(null, key, new DeleteOptions { Preconditions = new Preconditions { Uid = current!.Metadata.Uid } }, ct);
                }
                catch (KubeApiException e) when (e.IsNotFound || e.IsConflict)
                {
                    // Deleted or replaced in the meantime.
                }
                break;
        }
        _synced[key] = 0;
        return ReconcileResult.Done;
    }
}
