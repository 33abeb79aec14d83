using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheduling;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Upstream's Priority admission plugin. Mutating, for pods: on create, spec.priorityClassName resolves to
/// spec.priority and spec.preemptionPolicy; a pod naming no class gets the global default class (its name
/// too) or priority 0 and PreemptLowerPriority; an unknown class, or a priority or preemptionPolicy the
/// pod set itself that differs from its class's, is refused. On update the stored values are kept when the
/// request leaves them out (validation forbids changing them). Validating, for PriorityClasses: only one
/// class may be the global default.
/// </summary>
public sealed class PriorityAdmission(ObjectStore objects) : IMutatingAdmissionPlugin, IValidatingAdmissionPlugin
{
    public string Name => "Priority";

    public bool Handles(AdmissionAttributes attributes) => attributes.Subresource is null && attributes.Type == KnownResources.Pods;

    public async Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct)
    {
        if (!Handles(attributes) || obj is not Pod pod)
        {
            return;
        }
        var spec = pod.Spec ??= new PodSpec();
        if (attributes.Operation == AdmissionOperation.Update)
        {
            // Set by this plugin on create: an update that leaves them out keeps them.
            var oldSpec = attributes.OldObject?["spec"];
            spec.Priority ??= oldSpec?["priority"] is JsonValue p && p.TryGetValue(out int priority) ? priority : null;
            spec.PreemptionPolicy ??= oldSpec?["preemptionPolicy"] is JsonValue v && v.TryGetValue(out string? oldPolicy) ? oldPolicy : null;
            return;
        }
        if (attributes.Operation != AdmissionOperation.Create)
        {
            return;
        }
        int resolved;
        string? policy;
        if (string.IsNullOrEmpty(spec.PriorityClassName))
        {
            var fallback = (await ListAsync(ct)).Where(c => c.GlobalDefault == true).MinBy(c => c.Value);
            spec.PriorityClassName = fallback?.Metadata.Name;
            resolved = fallback?.Value ?? 0;
            policy = fallback is null ? SystemPriorityClasses.PreemptLowerPriority : fallback.PreemptionPolicy;
        }
        else
        {
            var priorityClass = await GetAsync(spec.PriorityClassName, ct)
                ?? throw Forbidden(attributes, pod, $"no PriorityClass with name {spec.PriorityClassName} was found");
            resolved = priorityClass.Value;
            policy = priorityClass.PreemptionPolicy;
        }
        if (spec.Priority is { } given && given != resolved)
        {
            throw Forbidden(attributes, pod, $"the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {resolved} from the given PriorityClass name");
        }
        spec.Priority = resolved;
        if (policy is not null)
        {
            if (spec.PreemptionPolicy is { } givenPolicy && givenPolicy != policy)
            {
                throw Forbidden(attributes, pod, $"the string value of PreemptionPolicy ({givenPolicy}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name");
            }
            spec.PreemptionPolicy = policy;
        }
    }

    public async Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct)
    {
        if (attributes.Type != KnownResources.PriorityClasses || attributes.Subresource is not null
            || attributes.Operation is not (AdmissionOperation.Create or AdmissionOperation.Update)
            || attributes.Object?["globalDefault"] is not JsonValue flag || !flag.TryGetValue(out bool isDefault) || !isDefault)
        {
            return;
        }
        // Another class already the default refuses a second one; the default itself may be updated.
        var existing = (await ListAsync(ct)).Where(c => c.GlobalDefault == true).MinBy(c => c.Value);
        if (existing is not null && (attributes.Operation == AdmissionOperation.Create || existing.Metadata.Name != attributes.Name))
        {
            throw Forbidden(attributes, null, $"PriorityClass {existing.Metadata.Name} is marked as default. Only one default can exist");
        }
    }

    /// <summary>A class from the admission mirror (upstream's lister), else from the store; shared: read, never changed.</summary>
    private async Task<PriorityClass?> GetAsync(string name, CancellationToken ct)
    {
        if (objects.Mirrors.For(KnownResources.PriorityClasses)?.Get(null, name) is { Object: PriorityClass held })
        {
            return held;
        }
        return await objects.GetAsync(KnownResources.PriorityClasses, null, name, ct) is { } stored ? KubeJson.FromNode<PriorityClass>(stored.Object) : null;
    }

    private async Task<List<PriorityClass>> ListAsync(CancellationToken ct)
    {
        if (objects.Mirrors.For(KnownResources.PriorityClasses)?.List(null) is { } held)
        {
            // In name order, as the store lists them: of two defaults with one value, the first by name is chosen.
            return [.. held.Cast<PriorityClass>().OrderBy(c => c.Metadata.Name, StringComparer.Ordinal)];
        }
        var list = await objects.ListAsync(KnownResources.PriorityClasses, null, 0, null, ct);
        return [.. list.Items.Select(entry => KubeJson.FromNode<PriorityClass>(ObjectStore.Decode(entry).Object)!)];
    }

    /// <summary>Upstream's admission.NewForbidden; a pod's name comes from the object, as the request's is set only after the mutating phase.</summary>
    private static ApiException Forbidden(AdmissionAttributes attributes, KubeObject? obj, string reason)
    {
        var name = obj?.Metadata.Name ?? attributes.Name;
        return ApiErrors.Forbidden(attributes.Type, name, $"{attributes.Type.QualifiedResource} \"{name}\" is forbidden: {reason}");
    }
}
