using Axolotl.Api.Core;

namespace Axolotl.Agent.NetworkPolicies;

/// <summary>
/// Everything policy compilation reads, as one immutable snapshot: the cluster's policies, the pods
/// policies can see (with an address), and the namespaces' labels (for namespaceSelector).
/// </summary>
public sealed record PolicyState(
    IReadOnlyList<Api.Networking.NetworkPolicy> Policies,
    IReadOnlyList<PolicyPod> Pods,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels)
{
    /// <summary>A namespace's labels; one not (yet) seen has just the label the API server gives every namespace.</summary>
    public IReadOnlyDictionary<string, string> LabelsOf(string ns) =>
        NamespaceLabels.TryGetValue(ns, out var labels) ? labels : new Dictionary<string, string> { [Api.Meta.WellKnown.LabelMetadataName] = ns };

    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> LabelsByName(IEnumerable<Namespace> namespaces) =>
        namespaces.Where(n => n.Metadata.Name is not null).ToDictionary(
            n => n.Metadata.Name!,
            n => (IReadOnlyDictionary<string, string>)(n.Metadata.Labels ?? new Dictionary<string, string>()),
            StringComparer.Ordinal);
}
