using Axolotl.Api.Core;

namespace Axolotl.Api.Validation;

/// <summary>What container validation needs to know about the enclosing pod spec.</summary>
public sealed record PodSpecContext(
    IReadOnlyDictionary<string, Volume> Volumes,
    IReadOnlyCollection<string> ClaimNames,
    long? GracePeriod,
    string RestartPolicy);

/// <summary>Regular, init and ephemeral containers (upstream validateContainers, validateContainerCommon and helpers).</summary>
public static class ContainerValidation
{
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];

    private static readonly HashSet<string> EnvFieldPaths =
    [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ];

    private static readonly HashSet<string> ConvertibleFieldPaths =
    [
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
        "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP",
        "status.hostIPs", "status.podIP", "status.podIPs",
    ];

    private static readonly HashSet<string> ResourceFieldPaths =
        ["limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage"];

    public static List<FieldError> ValidateContainers(List<Container> containers, PodSpecContext context, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (containers.Count == 0)
        {
            errors.Add(FieldError.Required(path));
            return errors;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i];
            var itemPath = path.Index(i);
            errors.AddRange(ValidateCommon(container, context, itemPath));
            if (!names.Add(container.Name))
            {
                errors.Add(FieldError.Duplicate(itemPath.Child("name"), container.Name));
            }
            if (container.Lifecycle is { } lifecycle)
            {
                errors.AddRange(ProbeValidation.ValidateLifecycle(lifecycle, context.GracePeriod, itemPath.Child("lifecycle")));
            }
            errors.AddRange(ProbeValidation.ValidateLiveness(container.LivenessProbe, context.GracePeriod, itemPath.Child("livenessProbe")));
            errors.AddRange(ProbeValidation.ValidateReadiness(container.ReadinessProbe, context.GracePeriod, itemPath.Child("readinessProbe")));
            errors.AddRange(ProbeValidation.ValidateStartup(container.StartupProbe, context.GracePeriod, itemPath.Child("startupProbe")));
            if (container.RestartPolicy is not null)
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("restartPolicy"), "may not be set for non-init containers"));
            }
        }
        errors.AddRange(HostPortConflicts(containers, path));
        return errors;
    }

    public static List<FieldError> ValidateInitContainers(List<Container>? initContainers, List<Container> containers, PodSpecContext context, FieldPath path)
    {
        var errors = new List<FieldError>();
        var names = new HashSet<string>(containers.Select(c => c.Name), StringComparer.Ordinal);
        for (var i = 0; i < (initContainers?.Count ?? 0); i++)
        {
            var container = initContainers![i];
            var itemPath = path.Index(i);
            errors.AddRange(ValidateCommon(container, context, itemPath));
            var sidecar = false;
            if (container.RestartPolicy is { } policy)
            {
                sidecar = policy == "Always";
                if (!sidecar)
                {
                    errors.Add(FieldError.NotSupported(itemPath.Child("restartPolicy"), policy, ["Always"]));
                }
            }
            if (!names.Add(container.Name) && container.Name.Length > 0)
            {
                errors.Add(FieldError.Duplicate(itemPath.Child("name"), container.Name));
            }
            errors.AddRange(HostPortConflicts([container], path));
            if (sidecar)
            {
                if (container.Lifecycle is { } lifecycle)
                {
                    errors.AddRange(ProbeValidation.ValidateLifecycle(lifecycle, context.GracePeriod, itemPath.Child("lifecycle")));
                }
                errors.AddRange(ProbeValidation.ValidateLiveness(container.LivenessProbe, context.GracePeriod, itemPath.Child("livenessProbe")));
                errors.AddRange(ProbeValidation.ValidateReadiness(container.ReadinessProbe, context.GracePeriod, itemPath.Child("readinessProbe")));
                errors.AddRange(ProbeValidation.ValidateStartup(container.StartupProbe, context.GracePeriod, itemPath.Child("startupProbe")));
            }
            else
            {
                const string notForInit = "may not be set for init containers without restartPolicy=Always";
                if (container.Lifecycle is not null)
                {
                    errors.Add(FieldError.Forbidden(itemPath.Child("lifecycle"), notForInit));
                }
                if (container.LivenessProbe is not null)
                {
                    errors.Add(FieldError.Forbidden(itemPath.Child("livenessProbe"), notForInit));
                }
                if (container.ReadinessProbe is not null)
                {
                    errors.Add(FieldError.Forbidden(itemPath.Child("readinessProbe"), notForInit));
                }
                if (container.StartupProbe is not null)
                {
                    errors.Add(FieldError.Forbidden(itemPath.Child("startupProbe"), notForInit));
                }
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateEphemeralContainers(List<EphemeralContainer>? ephemeral, PodSpec spec, PodSpecContext context, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (ephemeral is null or { Count: 0 })
        {
            return errors;
        }
        var others = new HashSet<string>(spec.Containers.Concat(spec.InitContainers ?? []).Select(c => c.Name), StringComparer.Ordinal);
        var all = new HashSet<string>(others, StringComparer.Ordinal);
        for (var i = 0; i < ephemeral.Count; i++)
        {
            var container = ephemeral[i];
            var itemPath = path.Index(i);
            errors.AddRange(ValidateCommon(container, context, itemPath));
            errors.AddRange(ImageWhitespace(container, itemPath));
            if (!all.Add(container.Name))
            {
                errors.Add(FieldError.Duplicate(itemPath.Child("name"), container.Name));
            }
            if (!string.IsNullOrEmpty(container.TargetContainerName) && !others.Contains(container.TargetContainerName))
            {
                errors.Add(FieldError.NotFound(itemPath.Child("targetContainerName"), container.TargetContainerName));
            }

            const string notForEphemeral = "cannot be set for an Ephemeral Container";
            if (container.Ports is { Count: > 0 })
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("ports"), notForEphemeral));
            }
            if (container.Resources is { } resources && (resources.Limits is { Count: > 0 } || resources.Requests is { Count: > 0 } || resources.Claims is { Count: > 0 }))
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("resources"), notForEphemeral));
            }
            if (container.ResizePolicy is { Count: > 0 })
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("resizePolicy"), notForEphemeral));
            }
            if (container.RestartPolicy is not null)
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("restartPolicy"), notForEphemeral));
            }
            if (container.LivenessProbe is not null)
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("livenessProbe"), notForEphemeral));
            }
            if (container.ReadinessProbe is not null)
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("readinessProbe"), notForEphemeral));
            }
            if (container.StartupProbe is not null)
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("startupProbe"), notForEphemeral));
            }
            if (container.Lifecycle is not null)
            {
                errors.Add(FieldError.Forbidden(itemPath.Child("lifecycle"), notForEphemeral));
            }
            for (var m = 0; m < (container.VolumeMounts?.Count ?? 0); m++)
            {
                var mount = container.VolumeMounts![m];
                if (!string.IsNullOrEmpty(mount.SubPath))
                {
                    errors.Add(FieldError.Forbidden(itemPath.Child("volumeMounts").Index(m).Child("subPath"), notForEphemeral));
                }
                if (!string.IsNullOrEmpty(mount.SubPathExpr))
                {
                    errors.Add(FieldError.Forbidden(itemPath.Child("volumeMounts").Index(m).Child("subPathExpr"), notForEphemeral));
                }
            }
        }
        return errors;
    }

    /// <summary>Pods (not templates) may not have an image with surrounding whitespace.</summary>
    public static List<FieldError> ImageWhitespace(Container container, FieldPath path) =>
        container.Image is { } image && image.Length != image.Trim().Length
            ? [FieldError.Invalid(path.Child("image"), image, "must not have leading or trailing whitespace")]
            : [];

    private static List<FieldError> ValidateCommon(Container container, PodSpecContext context, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (container.Name.Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("name")));
        }
        else
        {
            errors.AddRange(NameRules.DNS1123Label(container.Name).Select(m => FieldError.Invalid(path.Child("name"), container.Name, m)));
        }
        if (string.IsNullOrEmpty(container.Image))
        {
            errors.Add(FieldError.Required(path.Child("image")));
        }
        switch (container.TerminationMessagePolicy)
        {
            case "File" or "FallbackToLogsOnError":
                break;
            case null or "":
                errors.Add(FieldError.Required(path.Child("terminationMessagePolicy")));
                break;
            default:
                errors.Add(FieldError.NotSupported(path.Child("terminationMessagePolicy"), container.TerminationMessagePolicy, ["File", "FallbackToLogsOnError"]));
                break;
        }
        errors.AddRange(ValidatePorts(container.Ports, path.Child("ports")));
        errors.AddRange(ValidateEnv(container.Env, path.Child("env")));
        errors.AddRange(ValidateEnvFrom(container.EnvFrom, path.Child("envFrom")));
        errors.AddRange(VolumeValidation.ValidateMounts(container, context.Volumes, path.Child("volumeMounts")));
        errors.AddRange(VolumeValidation.ValidateDevices(container, context.Volumes, path.Child("volumeDevices")));
        switch (container.ImagePullPolicy)
        {
            case "Always" or "IfNotPresent" or "Never":
                break;
            case null or "":
                errors.Add(FieldError.Required(path.Child("imagePullPolicy")));
                break;
            default:
                errors.Add(FieldError.NotSupported(path.Child("imagePullPolicy"), container.ImagePullPolicy, PullPolicies));
                break;
        }
        errors.AddRange(ResourceValidation.ValidateRequirements(container.Resources, [.. context.ClaimNames], path.Child("resources")));
        errors.AddRange(ValidateResizePolicy(container.ResizePolicy, context.RestartPolicy, path.Child("resizePolicy")));
        errors.AddRange(SecurityValidation.ValidateContainerSecurityContext(container.SecurityContext, path.Child("securityContext")));
        return errors;
    }

    private static List<FieldError> ValidatePorts(List<ContainerPort>? ports, FieldPath path)
    {
        var errors = new List<FieldError>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var port = ports![i];
            var itemPath = path.Index(i);
            if (!string.IsNullOrEmpty(port.Name))
            {
                var messages = NameRules.PortName(port.Name);
                if (messages.Count > 0)
                {
                    errors.AddRange(messages.Select(m => FieldError.Invalid(itemPath.Child("name"), port.Name, m)));
                }
                else if (!names.Add(port.Name))
                {
                    errors.Add(FieldError.Duplicate(itemPath.Child("name"), port.Name));
                }
            }
            if (port.ContainerPortNumber == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("containerPort")));
            }
            else
            {
                errors.AddRange(NameRules.PortNumber(port.ContainerPortNumber).Select(m => FieldError.Invalid(itemPath.Child("containerPort"), port.ContainerPortNumber, m)));
            }
            if (port.HostPort is { } hostPort and not 0)
            {
                errors.AddRange(NameRules.PortNumber(hostPort).Select(m => FieldError.Invalid(itemPath.Child("hostPort"), hostPort, m)));
            }
            if (string.IsNullOrEmpty(port.Protocol))
            {
                errors.Add(FieldError.Required(itemPath.Child("protocol")));
            }
            else if (!Protocols.Contains(port.Protocol))
            {
                errors.Add(FieldError.NotSupported(itemPath.Child("protocol"), port.Protocol, Protocols));
            }
        }
        return errors;
    }

    private static List<FieldError> HostPortConflicts(List<Container> containers, FieldPath path)
    {
        var errors = new List<FieldError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < containers.Count; c++)
        {
            for (var p = 0; p < (containers[c].Ports?.Count ?? 0); p++)
            {
                var port = containers[c].Ports![p];
                if (port.HostPort is null or 0)
                {
                    continue;
                }
                var key = $"{port.Protocol}/{port.HostIP}/{port.HostPort}";
                if (!seen.Add(key))
                {
                    errors.Add(FieldError.Duplicate(path.Index(c).Child("ports").Index(p).Child("hostPort"), key));
                }
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateEnv(List<EnvVar>? env, FieldPath path)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < (env?.Count ?? 0); i++)
        {
            var variable = env![i];
            var itemPath = path.Index(i);
            if (variable.Name.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("name")));
            }
            else
            {
                errors.AddRange(NameRules.RelaxedEnvVarName(variable.Name).Select(m => FieldError.Invalid(itemPath.Child("name"), variable.Name, m)));
            }
            errors.AddRange(ValidateValueFrom(variable, itemPath.Child("valueFrom")));
        }
        return errors;
    }

    private static List<FieldError> ValidateValueFrom(EnvVar variable, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (variable.ValueFrom is not { } source)
        {
            return errors;
        }
        var sources = 0;
        if (source.FieldRef is { } fieldRef)
        {
            sources++;
            errors.AddRange(ValidateObjectFieldSelector(fieldRef, EnvFieldPaths, path.Child("fieldRef")));
        }
        if (source.ResourceFieldRef is { } resourceRef)
        {
            sources++;
            errors.AddRange(ValidateResourceFieldSelector(resourceRef, volume: false, path.Child("resourceFieldRef")));
        }
        if (source.ConfigMapKeyRef is { } configMapRef)
        {
            sources++;
            errors.AddRange(ValidateKeySelector(configMapRef.Name, configMapRef.Key, path.Child("configMapKeyRef")));
        }
        if (source.SecretKeyRef is { } secretRef)
        {
            sources++;
            errors.AddRange(ValidateKeySelector(secretRef.Name, secretRef.Key, path.Child("secretKeyRef")));
        }

        if (sources == 0)
        {
            errors.Add(FieldError.Invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        }
        else if (!string.IsNullOrEmpty(variable.Value))
        {
            errors.Add(FieldError.Invalid(path, "", "may not be specified when `value` is not empty"));
        }
        else if (sources > 1)
        {
            errors.Add(FieldError.Invalid(path, "", "may not have more than one field specified at a time"));
        }
        return errors;
    }

    /// <summary>A downward API field path, checked against the paths allowed where it is used.</summary>
    public static List<FieldError> ValidateObjectFieldSelector(ObjectFieldSelector selector, IReadOnlySet<string> allowed, FieldPath path)
    {
        if (string.IsNullOrEmpty(selector.ApiVersion))
        {
            return [FieldError.Required(path.Child("apiVersion"))];
        }
        if (selector.FieldPath.Length == 0)
        {
            return [FieldError.Required(path.Child("fieldPath"))];
        }
        if (selector.ApiVersion != "v1")
        {
            return [FieldError.Invalid(path.Child("fieldPath"), selector.FieldPath, $"error converting fieldPath: unsupported pod version: {selector.ApiVersion}")];
        }

        var fieldPath = selector.FieldPath == "spec.host" ? "spec.nodeName" : selector.FieldPath;
        var bracket = fieldPath.IndexOf('[', StringComparison.Ordinal);
        if (bracket > 0 && fieldPath.EndsWith("']", StringComparison.Ordinal) && fieldPath[bracket..].StartsWith("['", StringComparison.Ordinal))
        {
            var basePath = fieldPath[..bracket];
            var subscript = fieldPath[(bracket + 2)..^2];
            return basePath switch
            {
                "metadata.annotations" => NameRules.QualifiedName(subscript.ToLowerInvariant()).Select(m => FieldError.Invalid(path, subscript.ToLowerInvariant(), m)).ToList(),
                "metadata.labels" => NameRules.QualifiedName(subscript).Select(m => FieldError.Invalid(path, subscript, m)).ToList(),
                _ => [FieldError.Invalid(path.Child("fieldPath"), selector.FieldPath, $"error converting fieldPath: field label does not support subscript: {selector.FieldPath}")],
            };
        }
        if (!ConvertibleFieldPaths.Contains(fieldPath))
        {
            return [FieldError.Invalid(path.Child("fieldPath"), selector.FieldPath, $"error converting fieldPath: field label not supported: {selector.FieldPath}")];
        }
        return allowed.Contains(fieldPath) ? [] : [FieldError.NotSupported(path.Child("fieldPath"), fieldPath, allowed.Order(StringComparer.Ordinal))];
    }

    public static List<FieldError> ValidateResourceFieldSelector(ResourceFieldSelector selector, bool volume, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (volume && string.IsNullOrEmpty(selector.ContainerName))
        {
            errors.Add(FieldError.Required(path.Child("containerName")));
        }
        else if (selector.Resource.Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("resource")));
        }
        else if (!ResourceFieldPaths.Contains(selector.Resource) &&
                 !selector.Resource.StartsWith("requests.hugepages-", StringComparison.Ordinal) &&
                 !selector.Resource.StartsWith("limits.hugepages-", StringComparison.Ordinal))
        {
            errors.Add(FieldError.NotSupported(path.Child("resource"), selector.Resource, ResourceFieldPaths.Order(StringComparer.Ordinal)));
        }
        if (selector.Divisor is { IsZero: false } divisor)
        {
            var text = divisor.ToString();
            var cpu = selector.Resource is "limits.cpu" or "requests.cpu";
            if (cpu && text is not ("1m" or "1"))
            {
                errors.Add(FieldError.Invalid(path.Child("divisor"), selector.Resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
            }
            else if (selector.Resource is "limits.memory" or "requests.memory" &&
                     text is not ("1" or "1k" or "1M" or "1G" or "1T" or "1P" or "1E" or "1Ki" or "1Mi" or "1Gi" or "1Ti" or "1Pi" or "1Ei"))
            {
                errors.Add(FieldError.Invalid(path.Child("divisor"), selector.Resource,
                    "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"));
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateKeySelector(string? name, string key, FieldPath path)
    {
        var errors = MetadataValidation.DnsSubdomain(name ?? "", false).Select(m => FieldError.Invalid(path.Child("name"), name ?? "", m)).ToList();
        if (key.Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("key")));
        }
        else
        {
            errors.AddRange(NameRules.ConfigMapKey(key).Select(m => FieldError.Invalid(path.Child("key"), key, m)));
        }
        return errors;
    }

    private static List<FieldError> ValidateEnvFrom(List<EnvFromSource>? sources, FieldPath path)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < (sources?.Count ?? 0); i++)
        {
            var source = sources![i];
            var itemPath = path.Index(i);
            if (!string.IsNullOrEmpty(source.Prefix))
            {
                errors.AddRange(NameRules.RelaxedEnvVarName(source.Prefix).Select(m => FieldError.Invalid(itemPath.Child("prefix"), source.Prefix, m)));
            }
            var count = 0;
            if (source.ConfigMapRef is { } configMapRef)
            {
                count++;
                errors.AddRange(ValidateReferencedName(configMapRef.Name, itemPath.Child("configMapRef")));
            }
            if (source.SecretRef is { } secretRef)
            {
                count++;
                errors.AddRange(ValidateReferencedName(secretRef.Name, itemPath.Child("secretRef")));
            }
            if (count == 0)
            {
                errors.Add(FieldError.Invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
            }
            else if (count > 1)
            {
                errors.Add(FieldError.Invalid(path, "", "may not have more than one field specified at a time"));
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateReferencedName(string? name, FieldPath path) =>
        string.IsNullOrEmpty(name)
            ? [FieldError.Required(path.Child("name"))]
            : MetadataValidation.DnsSubdomain(name, true).Select(m => FieldError.Invalid(path.Child("name"), name, m)).ToList();

    private static List<FieldError> ValidateResizePolicy(List<ContainerResizePolicy>? policies, string podRestartPolicy, FieldPath path)
    {
        var errors = new List<FieldError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (policies?.Count ?? 0); i++)
        {
            var policy = policies![i];
            if (!seen.Add(policy.ResourceName))
            {
                errors.Add(FieldError.Duplicate(path.Index(i), policy.ResourceName));
            }
            switch (policy.ResourceName)
            {
                case "cpu" or "memory":
                    break;
                case "":
                    errors.Add(FieldError.Required(path));
                    break;
                default:
                    errors.Add(FieldError.NotSupported(path, policy.ResourceName, ["cpu", "memory"]));
                    break;
            }
            switch (policy.RestartPolicy)
            {
                case "NotRequired" or "RestartContainer":
                    break;
                case "":
                    errors.Add(FieldError.Required(path));
                    break;
                default:
                    errors.Add(FieldError.NotSupported(path, policy.RestartPolicy, ["NotRequired", "RestartContainer"]));
                    break;
            }
            if (podRestartPolicy == "Never" && policy.RestartPolicy != "NotRequired")
            {
                errors.Add(FieldError.Invalid(path, policy.RestartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
            }
        }
        return errors;
    }
}
