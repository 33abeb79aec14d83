using System.Globalization;
using System.Text;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Pods;

/// <summary>Reads the ConfigMaps and Secrets a pod's env refers to; null when the object does not exist.</summary>
public interface IConfigSource
{
    Task<ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken ct);

    Task<Secret?> GetSecretAsync(string ns, string name, CancellationToken ct);

    Task<PersistentVolumeClaim?> GetPersistentVolumeClaimAsync(string ns, string name, CancellationToken ct);

    Task<PersistentVolume?> GetPersistentVolumeAsync(string name, CancellationToken ct);
}

/// <summary>A container's config cannot be built (CreateContainerConfigError); the message is upstream's.</summary>
public sealed class ContainerConfigException(string message) : Exception(message);

/// <summary>
/// Builds a container's environment as the kubelet's makeEnvironmentVariables: envFrom first, then
/// env in order, with $(VAR) references expanded against what came before, and valueFrom fieldRef,
/// resourceFieldRef, configMapKeyRef and secretKeyRef resolved. Also expands $(VAR) in command/args.
/// </summary>
public sealed class EnvResolver(IConfigSource source)
{
    /// <summary>The Services' variables (KUBERNETES_SERVICE_HOST, enableServiceLinks); null: none (a fake node, unit tests).</summary>
    public ServiceEnvironment? Services { get; init; }

    public async Task<Dictionary<string, string>> ResolveAsync(Pod pod, Container container, CancellationToken ct)
    {
        var ns = pod.Metadata.Namespace ?? "default";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var serviceEnv = Services is null ? [] : await Services.ForPodAsync(pod, ct);
        var serviceVars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in serviceEnv)
        {
            serviceVars[key] = value;
        }
        // $(VAR) sees what the container declared so far, then the Services' variables (upstream's MappingFuncFor).
        string? Lookup(string name) => result.TryGetValue(name, out var v) ? v : serviceVars.TryGetValue(name, out var s) ? s : null;
        var configMaps = new Dictionary<string, ConfigMap?>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, Secret?>(StringComparer.Ordinal);

        async Task<ConfigMap?> ConfigMapAsync(string name)
        {
            if (!configMaps.TryGetValue(name, out var cm))
            {
                cm = await source.GetConfigMapAsync(ns, name, ct);
                configMaps[name] = cm;
            }
            return cm;
        }

        async Task<Secret?> SecretAsync(string name)
        {
            if (!secrets.TryGetValue(name, out var secret))
            {
                secret = await source.GetSecretAsync(ns, name, ct);
                secrets[name] = secret;
            }
            return secret;
        }

        foreach (var from in container.EnvFrom ?? [])
        {
            var prefix = from.Prefix ?? "";
            if (from.ConfigMapRef is { } cmRef)
            {
                var name = cmRef.Name ?? "";
                var cm = await ConfigMapAsync(name);
                if (cm is null)
                {
                    if (cmRef.Optional == true)
                    {
                        continue;
                    }
                    throw new ContainerConfigException($"configmap \"{name}\" not found");
                }
                foreach (var (key, value) in cm.Data ?? [])
                {
                    result[prefix + key] = value;
                }
            }
            else if (from.SecretRef is { } secretRef)
            {
                var name = secretRef.Name ?? "";
                var secret = await SecretAsync(name);
                if (secret is null)
                {
                    if (secretRef.Optional == true)
                    {
                        continue;
                    }
                    throw new ContainerConfigException($"secret \"{name}\" not found");
                }
                foreach (var (key, value) in SecretData(secret))
                {
                    result[prefix + key] = value;
                }
            }
        }

        foreach (var env in container.Env ?? [])
        {
            if (env.ValueFrom is null)
            {
                result[env.Name] = Expand(env.Value ?? "", Lookup);
                continue;
            }
            var from = env.ValueFrom;
            if (from.FieldRef is { } fieldRef)
            {
                result[env.Name] = FieldValue(pod, fieldRef.FieldPath);
            }
            else if (from.ResourceFieldRef is { } resourceRef)
            {
                result[env.Name] = ResourceValue(pod, container, resourceRef);
            }
            else if (from.ConfigMapKeyRef is { } cmKey)
            {
                var name = cmKey.Name ?? "";
                var cm = await ConfigMapAsync(name);
                if (cm is null)
                {
                    if (cmKey.Optional == true)
                    {
                        continue;
                    }
                    throw new ContainerConfigException($"configmap \"{name}\" not found");
                }
                if (cm.Data?.TryGetValue(cmKey.Key, out var value) != true)
                {
                    if (cmKey.Optional == true)
                    {
                        continue;
                    }
                    throw new ContainerConfigException($"couldn't find key {cmKey.Key} in ConfigMap {ns}/{name}");
                }
                result[env.Name] = value!;
            }
            else if (from.SecretKeyRef is { } secretKey)
            {
                var name = secretKey.Name ?? "";
                var secret = await SecretAsync(name);
                if (secret is null)
                {
                    if (secretKey.Optional == true)
                    {
                        continue;
                    }
                    throw new ContainerConfigException($"secret \"{name}\" not found");
                }
                if (!SecretData(secret).TryGetValue(secretKey.Key, out var value))
                {
                    if (secretKey.Optional == true)
                    {
                        continue;
                    }
                    throw new ContainerConfigException($"couldn't find key {secretKey.Key} in Secret {ns}/{name}");
                }
                result[env.Name] = value;
            }
        }
        // The Services' variables come after the container's own, which win (upstream's makeEnvironmentVariables).
        foreach (var (key, value) in serviceEnv)
        {
            result.TryAdd(key, value);
        }
        return result;
    }

    /// <summary>Expands $(VAR) from <paramref name="env"/>; $$ escapes a dollar; unknown references stay as written (upstream expansion).</summary>
    public static string Expand(string input, IReadOnlyDictionary<string, string> env) =>
        Expand(input, name => env.TryGetValue(name, out var value) ? value : null);

    private static string Expand(string input, Func<string, string?> lookup)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }
        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                sb.Append(input[i]);
                continue;
            }
            var next = input[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
            }
            else if (next == '(')
            {
                var close = input.IndexOf(')', i + 2);
                if (close < 0)
                {
                    sb.Append(input, i, input.Length - i);
                    break;
                }
                var name = input.Substring(i + 2, close - i - 2);
                if (lookup(name) is { } value)
                {
                    sb.Append(value);
                }
                else
                {
                    sb.Append(input, i, close - i + 1);
                }
                i = close;
            }
            else
            {
                sb.Append('$');
            }
        }
        return sb.ToString();
    }

    private static Dictionary<string, string> SecretData(Secret secret)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in secret.StringData ?? [])
        {
            data[key] = value;
        }
        foreach (var (key, value) in secret.Data ?? [])
        {
            data[key] = Encoding.UTF8.GetString(value);
        }
        return data;
    }

    /// <summary>The downward-API field paths that env supports (upstream podFieldSelectorRuntimeValue).</summary>
    public static string FieldValue(Pod pod, string path) =>
        PodFieldValue(pod, path) ?? throw new ContainerConfigException($"unsupported fieldPath: {path}");

    /// <summary>A pod field by path, null when the path is not supported; shared with downwardAPI volumes.</summary>
    internal static string? PodFieldValue(Pod pod, string path)
    {
        var meta = pod.Metadata;
        switch (path)
        {
            case "metadata.name":
                return meta.Name ?? "";
            case "metadata.namespace":
                return meta.Namespace ?? "";
            case "metadata.uid":
                return meta.Uid ?? "";
            case "spec.nodeName":
                return pod.Spec?.NodeName ?? "";
            case "spec.serviceAccountName":
                return pod.Spec?.ServiceAccountName ?? "";
            case "status.hostIP":
                return pod.Status?.HostIP ?? "";
            case "status.hostIPs":
                return string.Join(',', (pod.Status?.HostIPs ?? []).Select(ip => ip.Ip));
            case "status.podIP":
                return pod.Status?.PodIP ?? "";
            case "status.podIPs":
                return string.Join(',', (pod.Status?.PodIPs ?? []).Select(ip => ip.Ip));
        }
        if (TrySubscript(path, "metadata.labels", out var label))
        {
            return meta.Labels?.GetValueOrDefault(label) ?? "";
        }
        if (TrySubscript(path, "metadata.annotations", out var annotation))
        {
            return meta.Annotations?.GetValueOrDefault(annotation) ?? "";
        }
        return null;
    }

    private static bool TrySubscript(string path, string prefix, out string key)
    {
        key = "";
        if (!path.StartsWith(prefix + "['", StringComparison.Ordinal) || !path.EndsWith("']", StringComparison.Ordinal))
        {
            return false;
        }
        key = path[(prefix.Length + 2)..^2];
        return true;
    }

    private static string ResourceValue(Pod pod, Container container, ResourceFieldSelector selector)
    {
        var target = string.IsNullOrEmpty(selector.ContainerName)
            ? container
            : pod.Spec?.AllContainers().FirstOrDefault(c => c.Name == selector.ContainerName) ?? container;
        return ContainerResourceValue(target, selector)
            ?? throw new ContainerConfigException($"unsupported container resource : {selector.Resource}");
    }

    /// <summary>A container's request or limit scaled by the divisor, null when the resource is not supported; shared with downwardAPI volumes.</summary>
    internal static string? ContainerResourceValue(Container target, ResourceFieldSelector selector)
    {
        var parts = selector.Resource.Split('.', 2);
        if (parts.Length != 2)
        {
            return null;
        }
        var map = parts[0] == "limits" ? target.Resources?.Limits : target.Resources?.Requests;
        if (map is null || !map.TryGetValue(parts[1], out var quantity))
        {
            // Upstream falls back to node allocatable for unset limits; requests default to zero.
            return parts[0] == "limits" && parts[1] == "cpu" ? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) : "0";
        }
        var divisor = selector.Divisor is { IsZero: false } d ? d : Api.Resources.Quantity.FromUnits(1);
        // Round up, as upstream's ExtractContainerResourceValue does.
        var value = (quantity.Nanos + divisor.Nanos - 1) / divisor.Nanos;
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
