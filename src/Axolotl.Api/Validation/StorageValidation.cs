using Axolotl.Api.Core;
using Axolotl.Api.Resources;
using Axolotl.Api.Storage;

namespace Axolotl.Api.Validation;

/// <summary>PersistentVolumes, PersistentVolumeClaims and StorageClasses, with kube-apiserver 1.32's rules and messages.</summary>
public static class StorageValidation
{
    public const string Storage = "storage";

    public static IReadOnlyList<string> AccessModes { get; } = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    private static readonly string[] VolumeModes = ["Block", "Filesystem"];
    private static readonly string[] ReclaimPolicies = ["Delete", "Recycle", "Retain"];
    private static readonly string[] ClassReclaimPolicies = ["Delete", "Retain"];
    private static readonly string[] BindingModes = ["Immediate", "WaitForFirstConsumer"];

    /// <summary>PersistentVolumeSource members the model leaves in extension data (nfs, csi, …): counted as volume types.</summary>
    private static readonly HashSet<string> OtherVolumeSources =
    [
        "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs", "fc", "flocker",
        "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
        "scaleIO", "storageos", "csi",
    ];

    private static readonly FieldPath Metadata = FieldPath.Of("metadata");

    public static List<FieldError> ValidateClaim(PersistentVolumeClaim claim, PersistentVolumeClaim? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(claim.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(claim.Metadata, old.Metadata, Metadata);
        errors.AddRange(ValidateClaimSpec(claim.Spec ?? new PersistentVolumeClaimSpec(), FieldPath.Of("spec")));
        if (old is not null)
        {
            errors.AddRange(ValidateClaimUpdate(claim, old));
        }
        return errors;
    }

    /// <summary>A claim spec; StatefulSet volumeClaimTemplates are checked with the same rules.</summary>
    public static List<FieldError> ValidateClaimSpec(PersistentVolumeClaimSpec spec, FieldPath path)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<FieldError>();
        errors.AddRange(ValidateAccessModes(spec.AccessModes, path.Child("accessModes"), "at least 1 access mode is required"));
        if (spec.Selector is not null)
        {
            errors.AddRange(MetadataValidation.ValidateLabelSelector(spec.Selector, path.Child("selector")));
        }
        var storagePath = path.Child("resources").Key(Storage);
        if (spec.Resources?.Requests?.TryGetValue(Storage, out var request) != true)
        {
            errors.Add(FieldError.Required(storagePath));
        }
        else
        {
            errors.AddRange(ResourceValidation.ValidateQuantityValue(Storage, request, storagePath));
            if (request.Sign <= 0)
            {
                errors.Add(FieldError.Invalid(storagePath, request.ToString(), "must be greater than zero"));
            }
        }
        if (spec.StorageClassName is { Length: > 0 } className)
        {
            errors.AddRange(NameRules.DNS1123Subdomain(className).Select(m => FieldError.Invalid(path.Child("storageClassName"), className, m)));
        }
        if (spec.VolumeMode is { } mode && !VolumeModes.Contains(mode))
        {
            errors.Add(FieldError.NotSupported(path.Child("volumeMode"), mode, VolumeModes));
        }
        if (spec.DataSource is { } source)
        {
            errors.AddRange(ValidateDataSource(source.Kind, source.Name, source.ApiGroup, path.Child("dataSource")));
        }
        return errors;
    }

    private static List<FieldError> ValidateDataSource(string kind, string name, string? group, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("name")));
        }
        if (kind.Length == 0)
        {
            errors.Add(FieldError.Required(path.Child("kind")));
        }
        if (string.IsNullOrEmpty(group) && kind.Length > 0 && kind != "PersistentVolumeClaim")
        {
            errors.Add(FieldError.NotSupported(path, kind, ["PersistentVolumeClaim"]));
        }
        return errors;
    }

    private static List<FieldError> ValidateAccessModes(List<string>? modes, FieldPath path, string requiredDetail)
    {
        var errors = new List<FieldError>();
        if (modes is null or { Count: 0 })
        {
            errors.Add(FieldError.Required(path, requiredDetail));
            return errors;
        }
        foreach (var mode in modes)
        {
            if (!AccessModes.Contains(mode))
            {
                errors.Add(FieldError.NotSupported(path, mode, AccessModes));
            }
        }
        if (modes.Contains("ReadWriteOncePod") && modes.Count > 1)
        {
            errors.Add(FieldError.Forbidden(path, "may not use ReadWriteOncePod with other access modes"));
        }
        return errors;
    }

    private static List<FieldError> ValidateClaimUpdate(PersistentVolumeClaim claim, PersistentVolumeClaim old)
    {
        var errors = new List<FieldError>();
        var newSpec = claim.Spec ?? new PersistentVolumeClaimSpec();
        var oldSpec = old.Spec ?? new PersistentVolumeClaimSpec();
        // Compare with the fields that may change masked out: the binder fills volumeName once, and a
        // bound claim may change its storage request (expansion).
        var oldMasked = Clone(oldSpec);
        var newMasked = Clone(newSpec);
        if (string.IsNullOrEmpty(oldSpec.VolumeName))
        {
            oldMasked.VolumeName = newSpec.VolumeName;
        }
        if (claim.Status?.Phase == "Bound" && newMasked.Resources?.Requests is { } requests)
        {
            if (oldSpec.Resources?.Requests?.TryGetValue(Storage, out var previous) == true)
            {
                requests[Storage] = previous;
            }
            else
            {
                requests.Remove(Storage);
            }
        }
        if (!SpecDiff.AreEqual(newMasked, oldMasked))
        {
            errors.Add(FieldError.Forbidden(FieldPath.Of("spec"), "spec is immutable after creation except resources.requests for bound claims"));
        }
        var newSize = StorageOf(newSpec.Resources?.Requests);
        var oldSize = StorageOf(oldSpec.Resources?.Requests);
        if (newSize < oldSize && newSize <= StorageOf(old.Status?.Capacity))
        {
            // RecoverVolumeExpansionFailure (beta, on in 1.32): a request may shrink back, never to or below what is allocated.
            errors.Add(FieldError.Forbidden(FieldPath.Of("spec", "resources", "requests", Storage), "field can not be less than status.capacity"));
        }
        return errors;
    }

    private static Quantity StorageOf(Dictionary<string, Quantity>? resources) =>
        resources?.TryGetValue(Storage, out var value) == true ? value : default;

    private static PersistentVolumeClaimSpec Clone(PersistentVolumeClaimSpec spec) =>
        Serialization.KubeJson.Deserialize<PersistentVolumeClaimSpec>(Serialization.KubeJson.Serialize(spec))!;

    public static List<FieldError> ValidateVolume(PersistentVolume volume, PersistentVolume? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(volume.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(volume.Metadata, old.Metadata, Metadata);
        var spec = volume.Spec ?? new PersistentVolumeSpec();
        var path = FieldPath.Of("spec");
        errors.AddRange(ValidateAccessModes(spec.AccessModes, path.Child("accessModes"), ""));
        if (spec.Capacity is null or { Count: 0 })
        {
            errors.Add(FieldError.Required(path.Child("capacity")));
        }
        else if (spec.Capacity.Count > 1 || !spec.Capacity.ContainsKey(Storage))
        {
            errors.Add(FieldError.NotSupported(path.Child("capacity"), string.Join(",", spec.Capacity.Keys.Order(StringComparer.Ordinal)), [Storage]));
        }
        foreach (var (name, quantity) in spec.Capacity ?? [])
        {
            var itemPath = path.Child("capacity").Key(name);
            errors.AddRange(ResourceValidation.ValidateResourceName(name, itemPath));
            errors.AddRange(ResourceValidation.ValidateQuantityValue(name, quantity, itemPath));
            if (quantity.Sign <= 0)
            {
                errors.Add(FieldError.Invalid(itemPath, quantity.ToString(), "must be greater than zero"));
            }
        }
        if (spec.PersistentVolumeReclaimPolicy is { Length: > 0 } policy && !ReclaimPolicies.Contains(policy))
        {
            errors.Add(FieldError.NotSupported(path.Child("persistentVolumeReclaimPolicy"), policy, ReclaimPolicies));
        }
        if (spec.StorageClassName is { Length: > 0 } className)
        {
            errors.AddRange(NameRules.DNS1123Subdomain(className).Select(m => FieldError.Invalid(path.Child("storageClassName"), className, m)));
        }
        if (spec.VolumeMode is { } mode && !VolumeModes.Contains(mode))
        {
            errors.Add(FieldError.NotSupported(path.Child("volumeMode"), mode, VolumeModes));
        }
        errors.AddRange(ValidateVolumeSource(spec, path));
        if (spec.NodeAffinity is { } affinity)
        {
            var requiredPath = path.Child("nodeAffinity", "required");
            if (affinity.Required is null)
            {
                errors.Add(FieldError.Required(requiredPath, "must specify required node constraints"));
            }
            else
            {
                if (affinity.Required.NodeSelectorTerms.Count == 0)
                {
                    errors.Add(FieldError.Required(requiredPath.Child("nodeSelectorTerms"), "must have at least one node selector term"));
                }
                for (var t = 0; t < affinity.Required.NodeSelectorTerms.Count; t++)
                {
                    errors.AddRange(PodSpecValidation.ValidateNodeSelectorTerm(affinity.Required.NodeSelectorTerms[t], requiredPath.Child("nodeSelectorTerms").Index(t)));
                }
            }
        }
        if (old is not null)
        {
            var oldSpec = old.Spec ?? new PersistentVolumeSpec();
            if (!SpecDiff.AreEqual(Source(spec), Source(oldSpec)))
            {
                errors.Add(FieldError.Forbidden(path.Child("persistentvolumesource"), "spec.persistentvolumesource is immutable after creation"));
            }
            if (spec.VolumeMode != oldSpec.VolumeMode)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("volumeMode"), spec.VolumeMode, MetadataValidation.FieldImmutable));
            }
            if (oldSpec.NodeAffinity is not null && !SpecDiff.AreEqual(spec.NodeAffinity, oldSpec.NodeAffinity))
            {
                errors.Add(FieldError.Invalid(path.Child("nodeAffinity"), "", MetadataValidation.FieldImmutable));
            }
        }
        return errors;
    }

    private static Dictionary<string, object?> Source(PersistentVolumeSpec spec)
    {
        var source = new Dictionary<string, object?>(StringComparer.Ordinal) { ["hostPath"] = spec.HostPath, ["local"] = spec.Local };
        foreach (var (key, value) in spec.ExtensionData ?? [])
        {
            if (OtherVolumeSources.Contains(key))
            {
                source[key] = value;
            }
        }
        return source;
    }

    private static List<FieldError> ValidateVolumeSource(PersistentVolumeSpec spec, FieldPath path)
    {
        var errors = new List<FieldError>();
        var types = new List<string>();
        if (spec.HostPath is not null)
        {
            types.Add("hostPath");
        }
        if (spec.Local is not null)
        {
            types.Add("local");
        }
        types.AddRange((spec.ExtensionData ?? []).Keys.Where(OtherVolumeSources.Contains).Order(StringComparer.Ordinal));
        if (types.Count == 0)
        {
            errors.Add(FieldError.Required(path, "must specify a volume type"));
        }
        foreach (var extra in types.Skip(1))
        {
            errors.Add(FieldError.Forbidden(path.Child(extra), "may not specify more than 1 volume type"));
        }
        if (spec.HostPath is { } hostPath)
        {
            if (hostPath.Path.Length == 0)
            {
                errors.Add(FieldError.Required(path.Child("hostPath", "path")));
            }
            else if (hostPath.Path.Split('/').Contains(".."))
            {
                errors.Add(FieldError.Invalid(path.Child("hostPath", "path"), hostPath.Path, "must not contain '..'"));
            }
            if (spec.PersistentVolumeReclaimPolicy == "Recycle" && hostPath.Path == "/")
            {
                errors.Add(FieldError.Forbidden(path.Child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"));
            }
        }
        if (spec.Local is { } local)
        {
            if (local.Path.Length == 0)
            {
                errors.Add(FieldError.Required(path.Child("local", "path")));
            }
            else if (local.Path.Split('/').Contains(".."))
            {
                errors.Add(FieldError.Invalid(path.Child("local", "path"), local.Path, "must not contain '..'"));
            }
            if (spec.NodeAffinity is null)
            {
                errors.Add(FieldError.Required(path.Child("nodeAffinity"), "Local volume requires node affinity"));
            }
        }
        if (spec.PersistentVolumeReclaimPolicy == "Recycle" && spec.HostPath is null && spec.ExtensionData?.ContainsKey("nfs") != true && types.Count > 0)
        {
            errors.Add(FieldError.NotSupported(path.Child("persistentVolumeReclaimPolicy"), "Recycle", ["Delete", "Retain"]));
        }
        return errors;
    }

    public static List<FieldError> ValidateStorageClass(StorageClass storageClass, StorageClass? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(storageClass.Metadata, requiresNamespace: false, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(storageClass.Metadata, old.Metadata, Metadata);
        var provisioner = FieldPath.Of("provisioner");
        if (storageClass.Provisioner.Length == 0)
        {
            errors.Add(FieldError.Required(provisioner));
        }
        else
        {
            errors.AddRange(NameRules.QualifiedName(storageClass.Provisioner.ToLowerInvariant()).Select(m => FieldError.Invalid(provisioner, storageClass.Provisioner, m)));
        }
        var parameterBytes = 0;
        foreach (var (key, value) in storageClass.Parameters ?? [])
        {
            if (key.Length == 0)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("parameters"), key, "field can not be empty."));
            }
            parameterBytes += key.Length + value.Length;
        }
        if (parameterBytes > 256 * 1024)
        {
            errors.Add(FieldError.TooLong(FieldPath.Of("parameters"), 256 * 1024));
        }
        if (storageClass.ReclaimPolicy is { } reclaim && !ClassReclaimPolicies.Contains(reclaim))
        {
            errors.Add(FieldError.NotSupported(FieldPath.Of("reclaimPolicy"), reclaim, ClassReclaimPolicies));
        }
        if (storageClass.VolumeBindingMode is null)
        {
            errors.Add(FieldError.Required(FieldPath.Of("volumeBindingMode")));
        }
        else if (!BindingModes.Contains(storageClass.VolumeBindingMode))
        {
            errors.Add(FieldError.NotSupported(FieldPath.Of("volumeBindingMode"), storageClass.VolumeBindingMode, BindingModes));
        }
        if (old is not null)
        {
            if (!SpecDiff.AreEqual(storageClass.Parameters, old.Parameters))
            {
                errors.Add(FieldError.Forbidden(FieldPath.Of("parameters"), "updates to parameters are forbidden."));
            }
            if (storageClass.Provisioner != old.Provisioner)
            {
                errors.Add(FieldError.Forbidden(provisioner, "updates to provisioner are forbidden."));
            }
            if (storageClass.ReclaimPolicy != old.ReclaimPolicy)
            {
                errors.Add(FieldError.Forbidden(FieldPath.Of("reclaimPolicy"), "updates to reclaimPolicy are forbidden."));
            }
            if (storageClass.VolumeBindingMode != old.VolumeBindingMode)
            {
                errors.Add(FieldError.Invalid(FieldPath.Of("volumeBindingMode"), storageClass.VolumeBindingMode, MetadataValidation.FieldImmutable));
            }
        }
        return errors;
    }
}
