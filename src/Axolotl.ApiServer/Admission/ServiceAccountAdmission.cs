using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Upstream's ServiceAccount admission plugin, for pods being created: serviceAccountName defaults
/// to <c>default</c>; the ServiceAccount must exist (403 "error looking up service account");
/// unless automountServiceAccountToken says no (the pod's setting wins over the ServiceAccount's),
/// every container and init container gets the <c>kube-api-access-XXXXX</c> projected volume (a
/// token the kubelet requests, the cluster CA, the namespace) mounted read-only at
/// /var/run/secrets/kubernetes.io/serviceaccount, unless it already mounts something there; and
/// a pod without imagePullSecrets gets the ServiceAccount's. Mirror pods are left alone.
/// </summary>
public sealed class ServiceAccountAdmission(ObjectStore objects, TimeProvider clock) : IMutatingAdmissionPlugin
{
    public const string DefaultServiceAccountName = "default";
    public const string VolumeNamePrefix = "kube-api-access-";
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The kubelet's token lifetime: a little over an hour so that its use can be told apart (upstream's WarnOnlyBoundTokenExpirationSeconds).</summary>
    public const long TokenExpirationSeconds = 3607;

    /// <summary>How long a create waits for a namespace's <c>default</c> ServiceAccount that the controller has not made yet (a namespace just created).</summary>
    public static readonly TimeSpan DefaultAccountWait = TimeSpan.FromSeconds(3);

    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public string Name => "ServiceAccount";

    /// <summary>Reads the request body as sent (serviceAccount, the mirror annotation), mutates the decoded pod.</summary>
    public bool Handles(AdmissionAttributes attributes) =>
        attributes.Operation == AdmissionOperation.Create && attributes.Subresource is null && attributes.Type == KnownResources.Pods;

    public async Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct)
    {
        if (Handles(attributes) && attributes.Object is { } body
            && await PrepareAsync(attributes.Type, attributes.Namespace, body, ct) is { } admit)
        {
            admit(obj);
        }
    }

    /// <summary>
    /// Looks up the pod's ServiceAccount (before the typed admission runs) and returns the mutation
    /// that applies the plugin; null for anything but a pod create. Throws 403 when it is missing.
    /// </summary>
    public async Task<Action<KubeObject>?> PrepareAsync(ResourceType type, string? ns, JsonObject body, CancellationToken ct)
    {
        if (type != KnownResources.Pods || ns is null)
        {
            return null;
        }
        var meta = body["metadata"] as JsonObject;
        if (meta?["annotations"]?[WellKnown.AnnotationMirrorPod] is not null)
        {
            return null;
        }
        var spec = body["spec"] as JsonObject;
        var name = Str(spec?["serviceAccountName"]) is { Length: > 0 } explicitName ? explicitName
            : Str(spec?["serviceAccount"]) is { Length: > 0 } alias ? alias
            : DefaultServiceAccountName;
        // The admission mirror (upstream's lister) first; a miss reads the store, as upstream's live lookup.
        if (objects.Mirrors.For(KnownResources.ServiceAccounts)?.Get(ns, name) is { Object: ServiceAccount held })
        {
            return typed => Admit((Pod)typed, name, held);
        }
        var account = await objects.GetAsync(KnownResources.ServiceAccounts, ns, name, ct);
        if (account is null && await objects.GetAsync(KnownResources.Namespaces, null, ns, ct) is null)
        {
            // Namespace lifecycle comes first upstream: its "not found" is the answer, not this plugin's.
            return null;
        }
        if (account is null && name == DefaultServiceAccountName)
        {
            // A namespace created a moment ago: its controller is about to make the account.
            var deadline = clock.GetUtcNow() + DefaultAccountWait;
            while (account is null && clock.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), clock, ct);
                account = await objects.GetAsync(KnownResources.ServiceAccounts, ns, name, ct);
            }
        }
        if (account is null)
        {
            var podName = Str(meta?["name"]) ?? "";
            throw ApiErrors.Forbidden(KnownResources.Pods, podName,
                $"pods \"{podName}\" is forbidden: error looking up service account {ns}/{name}: serviceaccount \"{name}\" not found");
        }
        var sa = (ServiceAccount)AdmissionChain.Decode(KnownResources.ServiceAccounts, account.Object, FieldValidationMode.Ignore, []);
        return typed => Admit((Pod)typed, name, sa);
    }

    /// <summary>The plugin's mutation of a decoded, defaulted pod.</summary>
    public static void Admit(Pod pod, string accountName, ServiceAccount account)
    {
        var spec = pod.Spec ??= new PodSpec();
        spec.ServiceAccountName = accountName;
        spec.ServiceAccount = accountName;
        if (spec.AutomountServiceAccountToken ?? account.AutomountServiceAccountToken ?? true)
        {
            MountToken(spec);
        }
        if (spec.ImagePullSecrets is not { Count: > 0 } && account.ImagePullSecrets is { Count: > 0 } pullSecrets)
        {
            spec.ImagePullSecrets = [.. pullSecrets.Select(s => new LocalObjectReference { Name = s.Name })];
        }
    }

    private static void MountToken(PodSpec spec)
    {
        var existing = spec.Volumes?.FirstOrDefault(v => v.Name.StartsWith(VolumeNamePrefix, StringComparison.Ordinal));
        var volumeName = existing?.Name ?? VolumeNamePrefix + RandomNumberGenerator.GetString(NameAlphabet, 5);
        var needed = false;
        foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers))
        {
            if ((container.VolumeMounts ?? []).Any(m => m.MountPath == MountPath))
            {
                continue;
            }
            (container.VolumeMounts ??= []).Add(new VolumeMount { Name = volumeName, ReadOnly = true, MountPath = MountPath });
            needed = true;
        }
        if (existing is null && needed)
        {
            (spec.Volumes ??= []).Add(new Volume { Name = volumeName, Projected = TokenVolumeSource() });
        }
    }

    /// <summary>Upstream's TokenVolumeSource, defaults written out (defaultMode 0644) since defaulting has already run.</summary>
    public static ProjectedVolumeSource TokenVolumeSource() => new()
    {
        DefaultMode = 420,
        Sources =
        [
            new VolumeProjection { ServiceAccountToken = new ServiceAccountTokenProjection { ExpirationSeconds = TokenExpirationSeconds, Path = "token" } },
            new VolumeProjection
            {
                ConfigMap = new ConfigMapProjection { Name = "kube-root-ca.crt", Items = [new KeyToPath { Key = "ca.crt", Path = "ca.crt" }] },
            },
            new VolumeProjection
            {
                DownwardAPI = new DownwardAPIProjection
                {
                    Items = [new DownwardAPIVolumeFile { Path = "namespace", FieldRef = new ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.namespace" } }],
                },
            },
        ],
    };

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
