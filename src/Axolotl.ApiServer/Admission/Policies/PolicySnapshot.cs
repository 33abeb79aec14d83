using Axolotl.Api.AdmissionRegistration;

namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// Every policy that some binding puts in force, compiled, with its bindings: one immutable snapshot, swapped whole
/// when a policy or a binding changes. Policies in name order, each one's bindings in name order. A binding whose
/// policy does not exist does nothing, as upstream's.
/// </summary>
public sealed record PolicySnapshot(IReadOnlyList<PolicyHook> Hooks)
{
    public static PolicySnapshot Empty { get; } = new([]);

    public static PolicySnapshot Build(IEnumerable<ValidatingAdmissionPolicy> policies, IEnumerable<ValidatingAdmissionPolicyBinding> bindings,
        Func<ValidatingAdmissionPolicy, CompiledPolicy> compile)
    {
        var byPolicy = bindings.Where(b => b.Spec?.PolicyName is { Length: > 0 })
            .GroupBy(b => b.Spec!.PolicyName!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(b => b.Metadata.Name, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var hooks = policies
            .Where(p => byPolicy.ContainsKey(p.Metadata.Name ?? ""))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Select(p => new PolicyHook(compile(p), byPolicy[p.Metadata.Name ?? ""]))
            .ToList();
        return new PolicySnapshot(hooks);
    }
}

/// <summary>A compiled policy and the bindings that put it in force.</summary>
public sealed record PolicyHook(CompiledPolicy Policy, IReadOnlyList<ValidatingAdmissionPolicyBinding> Bindings);
