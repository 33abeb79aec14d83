using System.Globalization;
using System.Text;
using Axolotl.Agent.Pods;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// Builds the files of configMap, secret, downwardAPI and projected volumes as the kubelet's volume
/// plugins do (configmap/secret MakePayload, downwardapi CollectData, projected collectData), so the
/// agent can hand one list to the <see cref="AtomicWriter"/>. Problems are gathered across sources
/// and thrown once as a <see cref="VolumeSetupException"/>, like upstream's aggregate error.
/// </summary>
public sealed class VolumeContentResolver(IConfigSource source)
{
    /// <summary>Requests the serviceAccountToken projections' tokens; null: this node cannot (they fail with a message saying so).</summary>
    public Token.TokenManager? Tokens { get; init; }

    /// <summary>Forgets a deleted pod's cached tokens.</summary>
    public void ForgetPod(string podUid) => Tokens?.ForgetPod(podUid);

    /// <summary>Where claims and their volumes are read (the same cache-backed source as ConfigMaps and Secrets).</summary>
    public IConfigSource Source => source;

    /// <summary>0644, the API default of every defaultMode.</summary>
    private const int DefaultMode = 420;

    /// <summary>Whether <see cref="ResolveAsync"/> builds this volume's content.</summary>
    public static bool Handles(Volume v) =>
        v.ConfigMap is not null || v.Secret is not null || v.DownwardAPI is not null || v.Projected is not null;

    public async Task<IReadOnlyList<ProjectedFile>> ResolveAsync(Pod pod, Volume volume, CancellationToken ct)
    {
        var ns = pod.Metadata.Namespace ?? "default";
        var payload = new Payload();
        if (volume.ConfigMap is { } configMap)
        {
            await AddConfigMapAsync(payload, ns, configMap.Name, configMap.Items, configMap.Optional == true, configMap.DefaultMode ?? DefaultMode, ct);
        }
        else if (volume.Secret is { } secret)
        {
            await AddSecretAsync(payload, ns, secret.SecretName, secret.Items, secret.Optional == true, secret.DefaultMode ?? DefaultMode, ct);
        }
        else if (volume.DownwardAPI is { } downwardApi)
        {
            AddDownwardApi(payload, pod, downwardApi.Items, downwardApi.DefaultMode ?? DefaultMode);
        }
        else if (volume.Projected is { } projected)
        {
            var mode = projected.DefaultMode ?? DefaultMode;
            foreach (var projection in projected.Sources ?? [])
            {
                if (projection.ConfigMap is { } cm)
                {
                    await AddConfigMapAsync(payload, ns, cm.Name, cm.Items, cm.Optional == true, mode, ct);
                }
                else if (projection.Secret is { } s)
                {
                    await AddSecretAsync(payload, ns, s.Name, s.Items, s.Optional == true, mode, ct);
                }
                else if (projection.DownwardAPI is { } d)
                {
                    AddDownwardApi(payload, pod, d.Items, mode);
                }
                else if (projection.ServiceAccountToken is { } token)
                {
                    await AddTokenAsync(payload, pod, token, mode, ct);
                }
                else if (projection.ClusterTrustBundle is not null)
                {
                    payload.Errors.Add("clusterTrustBundle projection is not supported: Axolotl does not serve ClusterTrustBundles");
                }
            }
        }
        else
        {
            throw new ArgumentException($"volume \"{volume.Name}\" is not a configMap, secret, downwardAPI or projected volume", nameof(volume));
        }
        return payload.Build();
    }

    private async Task AddTokenAsync(Payload payload, Pod pod, ServiceAccountTokenProjection projection, int mode, CancellationToken ct)
    {
        if (Tokens is null)
        {
            payload.Errors.Add("serviceAccountToken projection is not supported on this node");
            return;
        }
        try
        {
            var token = await Tokens.GetTokenAsync(pod, projection.Audience, projection.ExpirationSeconds ?? 3600, ct);
            payload.Add(projection.Path, Encoding.UTF8.GetBytes(token), mode);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is Client.KubeApiException or HttpRequestException or InvalidOperationException or TimeoutException)
        {
            payload.Errors.Add($"failed to fetch token: {e.Message}");
        }
    }

    private async Task AddConfigMapAsync(Payload payload, string ns, string? name, List<KeyToPath>? items, bool optional, int defaultMode, CancellationToken ct)
    {
        name ??= "";
        var configMap = await source.GetConfigMapAsync(ns, name, ct);
        if (configMap is null)
        {
            if (!optional)
            {
                payload.Errors.Add($"configmap \"{name}\" not found");
            }
            return;
        }
        if (items is not { Count: > 0 })
        {
            foreach (var (key, value) in configMap.Data ?? [])
            {
                payload.Add(key, Encoding.UTF8.GetBytes(value), defaultMode);
            }
            foreach (var (key, value) in configMap.BinaryData ?? [])
            {
                payload.Add(key, value, defaultMode);
            }
            return;
        }
        foreach (var item in items)
        {
            byte[] content;
            if (configMap.Data?.TryGetValue(item.Key, out var text) == true)
            {
                content = Encoding.UTF8.GetBytes(text);
            }
            else if (configMap.BinaryData?.TryGetValue(item.Key, out var bytes) == true)
            {
                content = bytes;
            }
            else if (optional)
            {
                continue;
            }
            else
            {
                payload.Errors.Add($"configmap references non-existent config key: {item.Key}");
                return;
            }
            payload.Add(item.Path, content, item.Mode ?? defaultMode);
        }
    }

    private async Task AddSecretAsync(Payload payload, string ns, string? name, List<KeyToPath>? items, bool optional, int defaultMode, CancellationToken ct)
    {
        name ??= "";
        var secret = await source.GetSecretAsync(ns, name, ct);
        if (secret is null)
        {
            if (!optional)
            {
                payload.Errors.Add($"secret \"{name}\" not found");
            }
            return;
        }
        // Stored secrets carry data only (stringData is merged on write); a fake may still hold stringData.
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in secret.StringData ?? [])
        {
            data[key] = Encoding.UTF8.GetBytes(value);
        }
        foreach (var (key, value) in secret.Data ?? [])
        {
            data[key] = value;
        }
        if (items is not { Count: > 0 })
        {
            foreach (var (key, value) in data)
            {
                payload.Add(key, value, defaultMode);
            }
            return;
        }
        foreach (var item in items)
        {
            if (!data.TryGetValue(item.Key, out var content))
            {
                if (optional)
                {
                    continue;
                }
                payload.Errors.Add($"references non-existent secret key: {item.Key}");
                return;
            }
            payload.Add(item.Path, content, item.Mode ?? defaultMode);
        }
    }

    private static void AddDownwardApi(Payload payload, Pod pod, List<DownwardAPIVolumeFile>? items, int defaultMode)
    {
        foreach (var item in items ?? [])
        {
            string? value = "";
            if (item.FieldRef is { } fieldRef)
            {
                value = FieldText(pod, fieldRef.FieldPath);
                if (value is null)
                {
                    payload.Errors.Add($"unsupported fieldPath: {fieldRef.FieldPath}");
                }
            }
            else if (item.ResourceFieldRef is { } resourceRef)
            {
                var containerName = resourceRef.ContainerName ?? "";
                var container = pod.Spec?.Containers.FirstOrDefault(c => c.Name == containerName)
                    ?? pod.Spec?.InitContainers?.FirstOrDefault(c => c.Name == containerName);
                if (container is null)
                {
                    payload.Errors.Add($"container {containerName} not found");
                    continue;
                }
                value = EnvResolver.ContainerResourceValue(container, resourceRef);
                if (value is null)
                {
                    payload.Errors.Add($"unsupported container resource : {resourceRef.Resource}");
                }
            }
            if (value is not null)
            {
                payload.Add(item.Path, Encoding.UTF8.GetBytes(value), item.Mode ?? defaultMode);
            }
        }
    }

    /// <summary>A pod field as a downwardAPI file holds it; whole label and annotation maps are volume-only.</summary>
    private static string? FieldText(Pod pod, string path) => path switch
    {
        "metadata.labels" => FieldMapFormat.Format(pod.Metadata.Labels),
        "metadata.annotations" => FieldMapFormat.Format(pod.Metadata.Annotations),
        _ => EnvResolver.PodFieldValue(pod, path),
    };

    /// <summary>The files collected so far by cleaned path (later sources win, as upstream's map) and the errors.</summary>
    private sealed class Payload
    {
        private readonly Dictionary<string, ProjectedFile> _files = new(StringComparer.Ordinal);

        public List<string> Errors { get; } = [];

        public void Add(string path, byte[] content, int mode)
        {
            if (!AtomicWriter.TryCleanPath(path, out var clean, out var error))
            {
                Errors.Add(error);
                return;
            }
            _files[clean] = new ProjectedFile(clean, content, mode);
        }

        public IReadOnlyList<ProjectedFile> Build()
        {
            if (Errors.Count > 0)
            {
                // utilerrors.NewAggregate: one message as it is, several as "[a, b]", duplicates once.
                var messages = Errors.Distinct(StringComparer.Ordinal).ToList();
                throw new VolumeSetupException(messages.Count == 1 ? messages[0] : $"[{string.Join(", ", messages)}]");
            }
            foreach (var path in _files.Keys)
            {
                for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
                {
                    var parent = path[..slash];
                    if (_files.ContainsKey(parent))
                    {
                        throw new VolumeSetupException($"invalid path: {parent} is a file and also the directory of {path}");
                    }
                }
            }
            return [.. _files.Values.OrderBy(f => f.Path, StringComparer.Ordinal)];
        }
    }
}
