using Axolotl.Proxy.GatewayApi.Model;

namespace Axolotl.Proxy.GatewayApi;

/// <summary>
/// Whether a ReferenceGrant in the target's namespace lets an object of one kind and namespace refer to it: a grant
/// names the referring group, kind and namespace in `from`, and the target's group, kind and (optionally) name in
/// `to`. A reference within one namespace needs no grant. Pure.
/// </summary>
public sealed class GrantedReferences(IEnumerable<ReferenceGrant> grants)
{
    private readonly List<ReferenceGrant> _grants = [.. grants];

    public bool Allows(string fromGroup, string fromKind, string fromNamespace, string toGroup, string toKind, string toNamespace, string toName) =>
        fromNamespace == toNamespace || _grants.Any(g =>
            g.Metadata.Namespace == toNamespace
            && (g.Spec?.From ?? []).Any(f => f.Group == fromGroup && f.Kind == fromKind && f.Namespace == fromNamespace)
            && (g.Spec?.To ?? []).Any(t => t.Group == toGroup && t.Kind == toKind && (string.IsNullOrEmpty(t.Name) || t.Name == toName)));
}
