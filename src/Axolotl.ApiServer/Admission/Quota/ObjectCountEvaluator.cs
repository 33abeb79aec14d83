using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// Any other namespaced kind: one "count/&lt;resource&gt;.&lt;group&gt;" per stored object, plus the
/// legacy name (configmaps, secrets, replicationcontrollers, resourcequotas) for the kinds that have one.
/// </summary>
public sealed class ObjectCountEvaluator(ResourceType type) : IQuotaEvaluator
{
    private static readonly Dictionary<string, string> LegacyNames = new(StringComparer.Ordinal)
    {
        ["configmaps"] = "configmaps",
        ["secrets"] = "secrets",
        ["replicationcontrollers"] = "replicationcontrollers",
        ["resourcequotas"] = "resourcequotas",
    };

    private readonly string _countName = QuotaResourceNames.ObjectCount(type);
    private readonly string? _legacyName = type.Group.Length == 0 ? LegacyNames.GetValueOrDefault(type.Plural) : null;

    public ResourceType Type => type;

    public bool ChargesUpdates => false;

    public IReadOnlyList<string> MatchingResources(IEnumerable<string> names) =>
        names.Where(n => n == _countName || n == _legacyName).Distinct(StringComparer.Ordinal).ToList();

    public bool MatchesScope(ScopedResourceSelectorRequirement scope, KubeObject obj) => false;

    public string? Constraints(IReadOnlyCollection<string> required, KubeObject obj) => null;

    public Dictionary<string, Quantity> Usage(KubeObject obj, DateTimeOffset now)
    {
        var result = new Dictionary<string, Quantity>(StringComparer.Ordinal) { [_countName] = Quantity.FromUnits(1) };
        if (_legacyName is not null)
        {
            result[_legacyName] = Quantity.FromUnits(1);
        }
        return result;
    }
}
