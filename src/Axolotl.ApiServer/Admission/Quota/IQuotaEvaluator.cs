using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission.Quota;

/// <summary>
/// What quota knows about one kind of object (upstream's quota.Evaluator): which quota resources it
/// feeds, how much of them one object uses, and which quota scopes the object falls in.
/// </summary>
public interface IQuotaEvaluator
{
    ResourceType Type { get; }

    /// <summary>Whether a write is charged: every evaluator charges creates; some charge updates too.</summary>
    bool ChargesUpdates { get; }

    /// <summary>The names in <paramref name="names"/> this evaluator tracks.</summary>
    IReadOnlyList<string> MatchingResources(IEnumerable<string> names);

    bool MatchesScope(ScopedResourceSelectorRequirement scope, KubeObject obj);

    /// <summary>Upstream's Constraints: null when the object may be charged to a quota that limits <paramref name="required"/>, else why not.</summary>
    string? Constraints(IReadOnlyCollection<string> required, KubeObject obj);

    Dictionary<string, Quantity> Usage(KubeObject obj, DateTimeOffset now);
}
