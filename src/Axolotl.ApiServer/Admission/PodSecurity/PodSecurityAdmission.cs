using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// The PodSecurity validating admission plugin of kube-apiserver 1.32. Pods are judged against their
/// namespace's enforce, audit and warn levels (labels over the configured defaults): a violation of
/// enforce is a 403, of warn a warning, of audit an audit annotation. Workload templates (Deployment,
/// ReplicaSet, ReplicationController, DaemonSet) are only warned and audited about. Namespace writes
/// must carry valid policy labels, and raising a namespace's enforce level warns about the pods
/// already there. Axolotl has no audit log: audit violations and policy errors go to the server log.
/// </summary>
public sealed partial class PodSecurityAdmission(ObjectStore objects, PodSecurityConfiguration configuration, TimeProvider clock, ILogger logger)
    : IValidatingAdmissionPlugin
{
    /// <summary>Pod subresources that cannot change what the checks look at.</summary>
    private static readonly HashSet<string> IgnoredPodSubresources = new(StringComparer.Ordinal)
    {
        "exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status",
    };

    public PodSecurityConfiguration Configuration => configuration;

    public PodSecurityEvaluator Evaluator { get; init; } = PodSecurityEvaluator.Default;

    public ExistingPods ExistingPods { get; init; } = new(PodSecurityEvaluator.Default, configuration, clock);

    public string Name => "PodSecurity";

    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct) =>
        attributes.Operation is AdmissionOperation.Create or AdmissionOperation.Update && attributes.Object is { } obj
            ? AdmitAsync(new PodSecurityRequest(attributes.Type, attributes.Namespace, attributes.Name, attributes.Subresource, attributes.User?.User, obj, attributes.OldObject)
                {
                    DecodedOldObject = attributes.DecodedOldObject,
                },
                attributes.Warnings, ct)
            : Task.CompletedTask;

    /// <summary>Validates one write: adds its warnings, records its audit annotations, throws its refusal.</summary>
    public async Task AdmitAsync(PodSecurityRequest request, ICollection<string> warnings, CancellationToken ct)
    {
        var response = await ValidateAsync(request, ct);
        foreach (var warning in response.Warnings)
        {
            warnings.Add(warning);
        }
        if (response.AuditAnnotations.TryGetValue("audit-violations", out var violations))
        {
            LogAuditViolation(logger, request.UserName ?? "", request.Type.QualifiedResource, request.Namespace ?? "", request.Name, PolicyLabels.Prefix + "audit-violations", violations);
        }
        if (response.AuditAnnotations.TryGetValue("error", out var error))
        {
            LogPolicyError(logger, request.Type.QualifiedResource, request.Namespace ?? "", request.Name, PolicyLabels.Prefix + "error", error);
        }
        if (response.Denied is { } denied)
        {
            throw denied;
        }
    }

    public Task<PodSecurityResponse> ValidateAsync(PodSecurityRequest request, CancellationToken ct)
    {
        if (request.Type == KnownResources.Namespaces)
        {
            return ValidateNamespaceAsync(request, ct);
        }
        if (request.Type == KnownResources.Pods)
        {
            return ValidatePodAsync(request, ct);
        }
        return PodTemplates.HasPodSpec(request.Type) ? ValidatePodControllerAsync(request, ct) : Task.FromResult(PodSecurityResponse.Allowed);
    }

    private async Task<PodSecurityResponse> ValidateNamespaceAsync(PodSecurityRequest request, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        if (!string.IsNullOrEmpty(request.Subresource))
        {
            return PodSecurityResponse.Allowed;
        }
        var ns = Decode<Namespace>(request.Object);
        var name = ns.Metadata.Name ?? request.Name;
        var (policy, errors) = PolicyLabels.Evaluate(ns.Metadata.Labels, configuration.Defaults);
        if (request.OldObject is null)
        {
            if (errors.Count > 0)
            {
                return Refuse(ApiErrors.Invalid(KnownResources.Namespaces, name, errors));
            }
            // kube-apiserver's admission attributes carry no namespace for a POST to /api/v1/namespaces, so the
            // exempt-namespace warning upstream's library has for creates never fires there; nor does it here.
            return PodSecurityResponse.Allowed;
        }
        var old = Decode<Namespace>(request.OldObject);
        var (oldPolicy, oldErrors) = PolicyLabels.Evaluate(old.Metadata.Labels, configuration.Defaults);
        // Labels that were already bad may stay as they were; a change must leave them valid.
        if (errors.Count > 0 && (oldErrors.Count == 0 || !errors.SequenceEqual(oldErrors)))
        {
            return Refuse(ApiErrors.Invalid(KnownResources.Namespaces, name, errors));
        }
        // Nothing to warn about when enforce is unchanged, now privileged, or relaxed at the same version.
        if (policy.Enforce == oldPolicy.Enforce || policy.Enforce.Level == PodSecurityLevel.Privileged ||
            (policy.Enforce.Version == oldPolicy.Enforce.Version && policy.Enforce.Level <= oldPolicy.Enforce.Level))
        {
            return PodSecurityResponse.Allowed;
        }
        if (configuration.IsExemptNamespace(name))
        {
            return ExemptNamespaceWarning(name, policy, ns.Metadata.Labels) is { } updated ? PodSecurityResponse.Warning(updated) : PodSecurityResponse.Allowed;
        }
        var pods = await ListPodsAsync(name, ct);
        return new PodSecurityResponse(null, ExistingPods.Review(name, policy.Enforce, pods, started), new Dictionary<string, string>());
    }

    private async Task<PodSecurityResponse> ValidatePodAsync(PodSecurityRequest request, CancellationToken ct)
    {
        if (request.Subresource is { } subresource && IgnoredPodSubresources.Contains(subresource))
        {
            return PodSecurityResponse.Allowed;
        }
        if (configuration.IsExemptNamespace(request.Namespace))
        {
            return PodSecurityResponse.Exempt("namespace");
        }
        if (configuration.IsExemptUser(request.UserName))
        {
            return PodSecurityResponse.Exempt("user");
        }
        // Upstream reads the namespace first; the answer is the same, and most pod updates (labels,
        // annotations, status) then cost no store read. A create reads the namespace first: in a privileged one (the
        // default) the pod needs no decoding at all.
        Pod? pod = null;
        if (request.OldObject is { } oldObject)
        {
            pod = Decode<Pod>(request.Object);
            if (!PodUpdates.IsSignificant(pod.Spec ?? new PodSpec(), (request.DecodedOldObject as Pod ?? Decode<Pod>(oldObject)).Spec ?? new PodSpec()))
            {
                return PodSecurityResponse.Allowed;
            }
        }
        // NamespaceLifecycle ran first, so the namespace is there unless it went in between.
        var stored = await objects.GetAsync(KnownResources.Namespaces, null, request.Namespace ?? "", ct)
            ?? throw ApiErrors.NotFound(KnownResources.Namespaces, request.Namespace ?? "");
        var (policy, errors) = PolicyLabels.Evaluate(Decode<Namespace>(stored.Object).Metadata.Labels, configuration.Defaults);
        if (errors.Count == 0 && policy.IsFullyPrivileged)
        {
            return new PodSecurityResponse(null, [], new Dictionary<string, string> { ["enforce-policy"] = LevelVersion.PrivilegedLatest.ToString() });
        }
        pod ??= Decode<Pod>(request.Object);
        return Evaluate(request, policy, errors, pod.Metadata, pod.Spec ?? new PodSpec(), enforce: true);
    }

    private async Task<PodSecurityResponse> ValidatePodControllerAsync(PodSecurityRequest request, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(request.Subresource))
        {
            return PodSecurityResponse.Allowed;
        }
        if (configuration.IsExemptNamespace(request.Namespace))
        {
            return PodSecurityResponse.Exempt("namespace");
        }
        if (configuration.IsExemptUser(request.UserName))
        {
            return PodSecurityResponse.Exempt("user");
        }
        // A template is never refused: without its namespace the write goes on, and the audit trail says why it was not judged.
        var stored = await objects.GetAsync(KnownResources.Namespaces, null, request.Namespace ?? "", ct);
        if (stored is null)
        {
            return new PodSecurityResponse(null, [], new Dictionary<string, string> { ["error"] = $"failed to lookup namespace \"{request.Namespace}\": namespaces \"{request.Namespace}\" not found" });
        }
        var (policy, errors) = PolicyLabels.Evaluate(Decode<Namespace>(stored.Object).Metadata.Labels, configuration.Defaults);
        if (errors.Count == 0 && policy.Warn.Level == PodSecurityLevel.Privileged && policy.Audit.Level == PodSecurityLevel.Privileged)
        {
            return PodSecurityResponse.Allowed;
        }
        if (PodTemplates.Extract(Decode(request.Type, request.Object)) is not { } template)
        {
            return PodSecurityResponse.Allowed;
        }
        return Evaluate(request, policy, errors, template.Meta, template.Spec, enforce: false);
    }

    private PodSecurityResponse Evaluate(PodSecurityRequest request, NamespacePolicy policy, List<FieldError> policyErrors, ObjectMeta meta, PodSpec spec, bool enforce)
    {
        if (configuration.IsExemptRuntimeClass(spec.RuntimeClassName))
        {
            return PodSecurityResponse.Exempt("runtimeClass");
        }
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (policyErrors.Count > 0)
        {
            annotations["error"] = $"Failed to parse policy: {Aggregate(policyErrors)}";
        }
        var results = new Dictionary<LevelVersion, AggregateResult>();
        AggregateResult Judge(LevelVersion level)
        {
            if (!results.TryGetValue(level, out var result))
            {
                result = results[level] = Evaluator.Evaluate(level, meta, spec);
            }
            return result;
        }

        ApiException? denied = null;
        if (enforce)
        {
            annotations["enforce-policy"] = policy.Enforce.ToString();
            var result = Judge(policy.Enforce);
            if (!result.IsAllowed)
            {
                denied = ApiErrors.Forbidden(request.Type, request.Name,
                    $"{request.Type.QualifiedResource} \"{request.Name}\" is forbidden: violates PodSecurity \"{policy.Enforce}\": {result.ForbiddenDetail()}");
            }
        }
        var audit = Judge(policy.Audit);
        if (!audit.IsAllowed)
        {
            annotations["audit-violations"] = $"would violate PodSecurity \"{policy.Audit}\": {audit.ForbiddenDetail()}";
        }
        var warnings = new List<string>();
        // A request that is refused carries the refusal, not warnings as well.
        if (denied is null && Judge(policy.Warn) is { IsAllowed: false } warn)
        {
            warnings.Add($"would violate PodSecurity \"{policy.Warn}\": {warn.ForbiddenDetail()}");
        }
        return new PodSecurityResponse(denied, warnings, annotations);
    }

    /// <summary>
    /// An exempt namespace that still names a non-privileged policy (one not equivalent to the cluster
    /// defaults) is told its labels are ignored, listing only the modes its labels set.
    /// </summary>
    private string? ExemptNamespaceWarning(string ns, NamespacePolicy policy, IReadOnlyDictionary<string, string>? labels)
    {
        if (policy.IsFullyPrivileged || policy.IsEquivalentTo(configuration.Defaults))
        {
            return null;
        }
        labels ??= new Dictionary<string, string>();
        var text = new StringBuilder();
        void Mode(string mode, LevelVersion value, string levelLabel, string versionLabel)
        {
            if (value.Level != PodSecurityLevel.Privileged && (labels.ContainsKey(levelLabel) || labels.ContainsKey(versionLabel)))
            {
                text.Append(text.Length > 0 ? ", " : "").Append(mode).Append('=').Append(value);
            }
        }
        Mode("enforce", policy.Enforce, PolicyLabels.Enforce, PolicyLabels.EnforceVersion);
        Mode("audit", policy.Audit, PolicyLabels.Audit, PolicyLabels.AuditVersion);
        Mode("warn", policy.Warn, PolicyLabels.Warn, PolicyLabels.WarnVersion);
        return $"namespace \"{ns}\" is exempt from Pod Security, and the policy ({text}) will be ignored";
    }

    private async Task<List<Pod>> ListPodsAsync(string ns, CancellationToken ct)
    {
        var pods = new List<Pod>();
        string? next = null;
        do
        {
            var page = await objects.ListAsync(KnownResources.Pods, ns, 500, next, ct);
            pods.AddRange(page.Items.Select(entry => Decode<Pod>(ObjectStore.Decode(entry).Object)));
            next = page.Continue;
        }
        while (!string.IsNullOrEmpty(next));
        return pods;
    }

    private static PodSecurityResponse Refuse(ApiException error) => new(error, [], new Dictionary<string, string>());

    private static string Aggregate(List<FieldError> errors) =>
        errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";

    private static T Decode<T>(JsonObject obj) where T : KubeObject => (T)Decode(typeof(T), obj);

    private static KubeObject Decode(ResourceType type, JsonObject obj) => Decode(type.ClrType, obj);

    /// <summary>The admitted object is the typed model's own encoding, so it always decodes; a stored one that does not is judged as empty.</summary>
    private static KubeObject Decode(Type clrType, JsonObject obj)
    {
        try
        {
            return KubeJson.FromNode(obj, clrType) as KubeObject ?? (KubeObject)Activator.CreateInstance(clrType)!;
        }
        catch (JsonException)
        {
            return (KubeObject)Activator.CreateInstance(clrType)!;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "audit: user {User} {Resource} {Namespace}/{Name}: {Annotation}={Violations}")]
    private static partial void LogAuditViolation(ILogger logger, string user, string resource, string @namespace, string name, string annotation, string violations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "audit: {Resource} {Namespace}/{Name}: {Annotation}={Error}")]
    private static partial void LogPolicyError(ILogger logger, string resource, string @namespace, string name, string annotation, string error);
}
