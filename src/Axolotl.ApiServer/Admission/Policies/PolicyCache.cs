using System.Runtime.CompilerServices;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// Keeps <see cref="Current"/> in step with the stored ValidatingAdmissionPolicies and their bindings (upstream's policy
/// source informers) through <see cref="FollowedKinds"/>; each change rebuilds the snapshot and swaps it in, so a request
/// reads one reference and never the store. A policy is compiled once per stored version: an unchanged one keeps its
/// programs across rebuilds. A policy written a moment ago may not be seen by a request in flight, as upstream's lags too.
/// </summary>
public sealed class PolicyCache
{
    private readonly FollowedKinds _followed;
    private readonly ConditionalWeakTable<ValidatingAdmissionPolicy, CompiledPolicy> _compiled = [];
    private volatile PolicySnapshot _current = PolicySnapshot.Empty;

    public PolicyCache(ObjectStore objects, TimeProvider clock, ILogger<PolicyCache> logger) =>
        _followed = new FollowedKinds(objects, "admission policies",
            [KnownResources.ValidatingAdmissionPolicies, KnownResources.ValidatingAdmissionPolicyBindings], Rebuild, "it is not enforced", clock, logger);

    public PolicySnapshot Current => _current;

    /// <summary>Starts following both kinds until <paramref name="stopping"/> fires; returns once each was listed.</summary>
    public Task StartAsync(CancellationToken stopping) => _followed.StartAsync(stopping);

    /// <summary>For tests: policies and bindings without a store.</summary>
    public void Set(IEnumerable<ValidatingAdmissionPolicy> policies, IEnumerable<ValidatingAdmissionPolicyBinding> bindings) =>
        _current = PolicySnapshot.Build(policies, bindings, Compile);

    private void Rebuild(FollowedKinds followed) =>
        _current = PolicySnapshot.Build(
            followed.Of<ValidatingAdmissionPolicy>(KnownResources.ValidatingAdmissionPolicies),
            followed.Of<ValidatingAdmissionPolicyBinding>(KnownResources.ValidatingAdmissionPolicyBindings),
            Compile);

    private CompiledPolicy Compile(ValidatingAdmissionPolicy policy) => _compiled.GetValue(policy, PolicyCompiler.Compile);
}
