using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;
using Axolotl.Api.Storage;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// PersistentVolumeClaims, as upstream's pvc evaluator: "persistentvolumeclaims" and "requests.storage",
/// the same two per class ("&lt;class&gt;.storageclass.storage.k8s.io/…"), and the object count. Updates are
/// charged: an expanded claim asks for more storage.
/// </summary>
public sealed class ClaimQuotaEvaluator : IQuotaEvaluator
{
    public const string Claims = "persistentvolumeclaims";
    public const string RequestsStorage = "requests.storage";
    private const string ClassSuffix = ".storageclass.storage.k8s.io/";

    public static ClaimQuotaEvaluator Instance { get; } = new();

    private static readonly string CountName = QuotaResourceNames.ObjectCount(KnownResources.PersistentVolumeClaims);

    public ResourceType Type => KnownResources.PersistentVolumeClaims;

    public bool ChargesUpdates => true;

    public IReadOnlyList<string> MatchingResources(IEnumerable<string> names) =>
        names.Where(n => n is Claims or RequestsStorage || n == CountName
                || n.EndsWith(ClassSuffix + Claims, StringComparison.Ordinal) || n.EndsWith(ClassSuffix + RequestsStorage, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();

    public bool MatchesScope(ScopedResourceSelectorRequirement scope, KubeObject obj) => false;

    public string? Constraints(IReadOnlyCollection<string> required, KubeObject obj) => null;

    public Dictionary<string, Quantity> Usage(KubeObject obj, DateTimeOffset now)
    {
        var claim = (PersistentVolumeClaim)obj;
        var one = Quantity.FromUnits(1);
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal) { [Claims] = one, [CountName] = one };
        var storage = claim.Spec?.Resources?.Requests?.TryGetValue("storage", out var requested) == true ? requested : (Quantity?)null;
        if (storage is { } value)
        {
            result[RequestsStorage] = value;
        }
        if (VolumeAnnotations.ClassOf(claim) is { Length: > 0 } className)
        {
            result[className + ClassSuffix + Claims] = one;
            if (storage is { } classValue)
            {
                result[className + ClassSuffix + RequestsStorage] = classValue;
            }
        }
        return result;
    }
}
