using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Api.Storage;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;

namespace Axolotl.ApiServer.Admission.Storage;

/// <summary>
/// kube-apiserver's storage admission plugins: DefaultStorageClass (a claim that names no class gets
/// the default one), StorageObjectInUseProtection (claims and volumes are created with the
/// kubernetes.io/pvc-protection and kubernetes.io/pv-protection finalizers) and
/// PersistentVolumeClaimResize (a claim may grow only when its class allows expansion).
/// </summary>
public sealed class StorageAdmission(ObjectStore objects) : IMutatingAdmissionPlugin, IValidatingAdmissionPlugin
{
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";
    public const string BetaDefaultClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class";

    public string Name => "DefaultStorageClass+StorageObjectInUseProtection+PersistentVolumeClaimResize";

    public bool Handles(AdmissionAttributes attributes) =>
        attributes.Operation == AdmissionOperation.Create && (attributes.Type == KnownResources.PersistentVolumes || attributes.Type == KnownResources.PersistentVolumeClaims);

    public async Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct)
    {
        if (Handles(attributes) && await PrepareCreateAsync(attributes.Type, ct) is { } admit)
        {
            admit(obj);
        }
    }

    public Task ValidateAsync(AdmissionAttributes attributes, CancellationToken ct) =>
        attributes.Operation == AdmissionOperation.Update
            ? CheckUpdateAsync(attributes.Type, attributes.Subresource, attributes.Name, attributes.Object!, attributes.OldObject!, ct)
            : Task.CompletedTask;

    /// <summary>The mutation a create of <paramref name="type"/> gets (after defaulting, before validation); null for other kinds.</summary>
    public async Task<Action<KubeObject>?> PrepareCreateAsync(ResourceType type, CancellationToken ct)
    {
        if (type == KnownResources.PersistentVolumes)
        {
            return obj => AddFinalizer(obj, VolumeAnnotations.VolumeProtectionFinalizer);
        }
        if (type != KnownResources.PersistentVolumeClaims)
        {
            return null;
        }
        var defaultClass = PickDefault(await ListClassesAsync(ct));
        return obj =>
        {
            var claim = (PersistentVolumeClaim)obj;
            var spec = claim.Spec ??= new PersistentVolumeClaimSpec();
            if (spec.StorageClassName is null && claim.Metadata.Annotations?.ContainsKey(VolumeAnnotations.BetaStorageClass) != true && defaultClass is not null)
            {
                spec.StorageClassName = defaultClass.Metadata.Name;
            }
            AddFinalizer(obj, VolumeAnnotations.ClaimProtectionFinalizer);
        };
    }

    /// <summary>
    /// PersistentVolumeClaimResize on an update of a claim's spec: a larger storage request is refused
    /// unless the claim's class (unchanged) sets allowVolumeExpansion: true.
    /// </summary>
    public async Task CheckUpdateAsync(ResourceType type, string? subresource, string name, JsonObject updated, JsonObject current, CancellationToken ct)
    {
        if (type != KnownResources.PersistentVolumeClaims || subresource is not null)
        {
            return;
        }
        var claim = updated.Deserialize<PersistentVolumeClaim>(KubeJson.Options)!;
        var old = current.Deserialize<PersistentVolumeClaim>(KubeJson.Options)!;
        if (!Requested(claim).HasValue || !Requested(old).HasValue || Requested(claim)!.Value <= Requested(old)!.Value)
        {
            return;
        }
        var className = VolumeAnnotations.ClassOf(claim);
        if (className.Length == 0 || className != VolumeAnnotations.ClassOf(old) || !await AllowsExpansionAsync(className, ct))
        {
            throw ApiErrors.Forbidden(type, name, $"{type.QualifiedResource} \"{name}\" is forbidden: " +
                "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
        }
    }

    /// <summary>Upstream's GetDefaultClass: of the classes marked default, the newest (then the first by name).</summary>
    public static StorageClass? PickDefault(IEnumerable<StorageClass> classes) =>
        classes.Where(IsDefault)
            .OrderByDescending(c => c.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(c => c.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();

    public static bool IsDefault(StorageClass storageClass) =>
        storageClass.Metadata.Annotations is { } a &&
        (a.GetValueOrDefault(DefaultClassAnnotation) == "true" || a.GetValueOrDefault(BetaDefaultClassAnnotation) == "true");

    private async Task<bool> AllowsExpansionAsync(string className, CancellationToken ct)
    {
        var stored = await objects.GetAsync(KnownResources.StorageClasses, null, className, ct);
        return stored is not null && JsonSerializer.Deserialize<StorageClass>(stored.Object, KubeJson.Options)?.AllowVolumeExpansion == true;
    }

    private async Task<List<StorageClass>> ListClassesAsync(CancellationToken ct)
    {
        var list = await objects.ListAsync(KnownResources.StorageClasses, null, 0, null, ct);
        return list.Items.Select(e => JsonSerializer.Deserialize<StorageClass>(e.Value.Span, KubeJson.Options)!).ToList();
    }

    private static Quantity? Requested(PersistentVolumeClaim claim) =>
        claim.Spec?.Resources?.Requests?.TryGetValue("storage", out var value) == true ? value : null;

    private static void AddFinalizer(KubeObject obj, string finalizer)
    {
        var finalizers = obj.Metadata.Finalizers ??= [];
        if (!finalizers.Contains(finalizer))
        {
            finalizers.Add(finalizer);
        }
    }
}
