using Axolotl.Api.Core;

namespace Axolotl.Api.Validation;

/// <summary>Pod volumes and the containers' mounts of them (upstream ValidateVolumes, validateVolumeSource, ValidateVolumeMounts).</summary>
public static class VolumeValidation
{
    public const string FileModeError = "must be a number between 0 and 0777 (octal), both inclusive";

    private static readonly string[] HostPathTypes = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];

    private static readonly HashSet<string> VolumeFieldPaths =
        ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];

    /// <summary>Validates the volumes and returns the valid ones by name, for mounts to refer to.</summary>
    public static (Dictionary<string, Volume> Volumes, List<FieldError> Errors) ValidateVolumes(List<Volume>? volumes, FieldPath path)
    {
        var errors = new List<FieldError>();
        var valid = new Dictionary<string, Volume>(StringComparer.Ordinal);
        for (var i = 0; i < (volumes?.Count ?? 0); i++)
        {
            var volume = volumes![i];
            var itemPath = path.Index(i);
            var volumeErrors = ValidateSource(volume, itemPath);
            if (volume.Name.Length == 0)
            {
                volumeErrors.Add(FieldError.Required(itemPath.Child("name")));
            }
            else
            {
                volumeErrors.AddRange(NameRules.DNS1123Label(volume.Name).Select(m => FieldError.Invalid(itemPath.Child("name"), volume.Name, m)));
            }
            if (valid.ContainsKey(volume.Name))
            {
                volumeErrors.Add(FieldError.Duplicate(itemPath.Child("name"), volume.Name));
            }
            if (volumeErrors.Count == 0)
            {
                valid[volume.Name] = volume;
            }
            else
            {
                errors.AddRange(volumeErrors);
            }
        }
        return (valid, errors);
    }

    private static List<FieldError> ValidateSource(Volume volume, FieldPath path)
    {
        var errors = new List<FieldError>();
        var count = 0;

        // Upstream visits the sources in this order and reports every source after the first as forbidden.
        void Source(bool present, string name, Func<List<FieldError>>? validate = null)
        {
            if (!present)
            {
                return;
            }
            if (count > 0)
            {
                errors.Add(FieldError.Forbidden(path.Child(name), "may not specify more than 1 volume type"));
                return;
            }
            count++;
            if (validate is not null)
            {
                errors.AddRange(validate());
            }
        }

        Source(volume.EmptyDir is not null, "emptyDir", () => volume.EmptyDir!.SizeLimit is { Sign: < 0 }
            ? [FieldError.Forbidden(path.Child("emptyDir", "sizeLimit"), "SizeLimit field must be a valid resource quantity")]
            : []);
        Source(volume.HostPath is not null, "hostPath", () => ValidateHostPath(volume.HostPath!, path.Child("hostPath")));
        Source(volume.GitRepo is not null, "gitRepo");
        Source(volume.GcePersistentDisk is not null, "gcePersistentDisk");
        Source(volume.AwsElasticBlockStore is not null, "awsElasticBlockStore");
        Source(volume.Secret is not null, "secret", () => ValidateSecret(volume.Secret!, path.Child("secret")));
        Source(volume.Nfs is not null, "nfs");
        Source(volume.Iscsi is not null, "iscsi");
        Source(volume.Glusterfs is not null, "glusterfs");
        Source(volume.Flocker is not null, "flocker");
        Source(volume.PersistentVolumeClaim is not null, "persistentVolumeClaim", () => volume.PersistentVolumeClaim!.ClaimName.Length == 0
            ? [FieldError.Required(path.Child("persistentVolumeClaim", "claimName"))]
            : []);
        Source(volume.Rbd is not null, "rbd");
        Source(volume.Cinder is not null, "cinder");
        Source(volume.Cephfs is not null, "cephFS");
        Source(volume.Quobyte is not null, "quobyte");
        // "downwarAPI" is upstream's spelling in this one message.
        Source(volume.DownwardAPI is not null, "downwarAPI", () => ValidateDownwardApi(volume.DownwardAPI!, path.Child("downwardAPI")));
        Source(volume.Fc is not null, "fc");
        Source(volume.FlexVolume is not null, "flexVolume");
        Source(volume.ConfigMap is not null, "configMap", () => ValidateConfigMap(volume.ConfigMap!, path.Child("configMap")));
        Source(volume.AzureFile is not null, "azureFile");
        Source(volume.VsphereVolume is not null, "vsphereVolume");
        Source(volume.PhotonPersistentDisk is not null, "photonPersistentDisk");
        Source(volume.PortworxVolume is not null, "portworxVolume");
        Source(volume.AzureDisk is not null, "azureDisk");
        Source(volume.Storageos is not null, "storageos");
        Source(volume.Projected is not null, "projected", () => ValidateProjected(volume.Projected!, path.Child("projected")));
        Source(volume.ScaleIO is not null, "scaleIO");
        Source(volume.Csi is not null, "csi");
        Source(volume.Ephemeral is not null, "ephemeral");
        Source(volume.Image is not null, "image");

        if (count == 0)
        {
            errors.Add(FieldError.Required(path, "must specify a volume type"));
        }
        return errors;
    }

    private static List<FieldError> ValidateHostPath(HostPathVolumeSource source, FieldPath path)
    {
        if (source.Path.Length == 0)
        {
            return [FieldError.Required(path.Child("path"))];
        }
        var errors = PathNoBacksteps(source.Path, path.Child("path"));
        if (source.Type is { } type && !HostPathTypes.Contains(type))
        {
            errors.Add(FieldError.NotSupported(path.Child("type"), type, HostPathTypes));
        }
        return errors;
    }

    private static List<FieldError> ValidateSecret(SecretVolumeSource source, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(source.SecretName))
        {
            errors.Add(FieldError.Required(path.Child("secretName")));
        }
        errors.AddRange(FileMode(source.DefaultMode, path.Child("defaultMode")));
        errors.AddRange(KeyToPaths(source.Items, path.Child("items")));
        return errors;
    }

    private static List<FieldError> ValidateConfigMap(ConfigMapVolumeSource source, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(source.Name))
        {
            errors.Add(FieldError.Required(path.Child("name")));
        }
        errors.AddRange(FileMode(source.DefaultMode, path.Child("defaultMode")));
        errors.AddRange(KeyToPaths(source.Items, path.Child("items")));
        return errors;
    }

    private static List<FieldError> ValidateDownwardApi(DownwardAPIVolumeSource source, FieldPath path)
    {
        var errors = FileMode(source.DefaultMode, path.Child("defaultMode"));
        errors.AddRange(DownwardApiFiles(source.Items, path));
        return errors;
    }

    private static List<FieldError> DownwardApiFiles(List<DownwardAPIVolumeFile>? items, FieldPath path)
    {
        var errors = new List<FieldError>();
        foreach (var item in items ?? [])
        {
            if (item.Path.Length == 0)
            {
                errors.Add(FieldError.Required(path.Child("path")));
            }
            errors.AddRange(LocalNonReservedPath(item.Path, path.Child("path")));
            errors.AddRange(FileMode(item.Mode, path.Child("mode")));
            if (item.FieldRef is not null)
            {
                errors.AddRange(ContainerValidation.ValidateObjectFieldSelector(item.FieldRef, VolumeFieldPaths, path.Child("fieldRef")));
                if (item.ResourceFieldRef is not null)
                {
                    errors.Add(FieldError.Invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
                }
            }
            else if (item.ResourceFieldRef is not null)
            {
                errors.AddRange(ContainerValidation.ValidateResourceFieldSelector(item.ResourceFieldRef, volume: true, path.Child("resourceFieldRef")));
            }
            else
            {
                errors.Add(FieldError.Required(path, "one of fieldRef and resourceFieldRef is required"));
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateProjected(ProjectedVolumeSource source, FieldPath path)
    {
        var errors = FileMode(source.DefaultMode, path.Child("defaultMode"));
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (source.Sources?.Count ?? 0); i++)
        {
            var projection = source.Sources![i];
            var sourcePath = path.Child("sources").Index(i);
            var kinds = 0;
            if (projection.Secret is { } secret)
            {
                kinds++;
                errors.AddRange(ProjectedItems(secret.Name, secret.Items, paths, sourcePath.Child("secret")));
            }
            if (projection.ConfigMap is { } configMap)
            {
                kinds++;
                errors.AddRange(ProjectedItems(configMap.Name, configMap.Items, paths, sourcePath.Child("configMap")));
            }
            if (projection.DownwardAPI is { } downward)
            {
                kinds++;
                errors.AddRange(DownwardApiFiles(downward.Items, sourcePath.Child("downwardAPI")));
                errors.AddRange(ConflictingPaths(downward.Items?.Select(item => item.Path), paths, sourcePath.Child("downwardAPI")));
            }
            if (projection.ServiceAccountToken is { } token)
            {
                kinds++;
                var tokenPath = sourcePath.Child("serviceAccountToken");
                if (token.ExpirationSeconds is < 600)
                {
                    errors.Add(FieldError.Invalid(tokenPath.Child("expirationSeconds"), token.ExpirationSeconds.Value, "may not specify a duration less than 10 minutes"));
                }
                else if (token.ExpirationSeconds is > 1L << 32)
                {
                    errors.Add(FieldError.Invalid(tokenPath.Child("expirationSeconds"), token.ExpirationSeconds.Value, "may not specify a duration larger than 2^32 seconds"));
                }
                if (token.Path.Length == 0)
                {
                    errors.Add(FieldError.Required(tokenPath.Child("path")));
                }
                errors.AddRange(ConflictingPaths([token.Path], paths, tokenPath));
            }
            if (projection.ClusterTrustBundle is not null)
            {
                kinds++;
            }
            if (kinds > 1)
            {
                errors.Add(FieldError.Forbidden(sourcePath, "may not specify more than 1 volume type per source"));
            }
        }
        return errors;
    }

    private static List<FieldError> ProjectedItems(string? name, List<KeyToPath>? items, HashSet<string> paths, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(FieldError.Required(path.Child("name")));
        }
        errors.AddRange(KeyToPaths(items, path.Child("items")));
        errors.AddRange(ConflictingPaths(items?.Select(item => item.Path), paths, path));
        return errors;
    }

    private static List<FieldError> ConflictingPaths(IEnumerable<string>? itemPaths, HashSet<string> seen, FieldPath path) =>
        (itemPaths ?? []).Where(p => !seen.Add(p)).Select(p => FieldError.Invalid(path, p, "conflicting duplicate paths")).ToList();

    private static List<FieldError> KeyToPaths(List<KeyToPath>? items, FieldPath path)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var item = items![i];
            var itemPath = path.Index(i);
            if (item.Key.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("key")));
            }
            if (item.Path.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("path")));
            }
            errors.AddRange(LocalNonReservedPath(item.Path, itemPath.Child("path")));
            errors.AddRange(FileMode(item.Mode, itemPath.Child("mode")));
        }
        return errors;
    }

    private static List<FieldError> FileMode(int? mode, FieldPath path) =>
        mode is { } value && (value > Convert.ToInt32("777", 8) || value < 0) ? [FieldError.Invalid(path, value, FileModeError)] : [];

    public static List<FieldError> ValidateMounts(Container container, IReadOnlyDictionary<string, Volume> volumes, FieldPath path)
    {
        var errors = new List<FieldError>();
        var mountPoints = new HashSet<string>(StringComparer.Ordinal);
        var devicePaths = (container.VolumeDevices ?? []).ToDictionary(d => d.Name, d => d.DevicePath, StringComparer.Ordinal);
        for (var i = 0; i < (container.VolumeMounts?.Count ?? 0); i++)
        {
            var mount = container.VolumeMounts![i];
            var itemPath = path.Index(i);
            if (mount.Name.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("name")));
            }
            if (!volumes.ContainsKey(mount.Name))
            {
                errors.Add(FieldError.NotFound(itemPath.Child("name"), mount.Name));
            }
            if (mount.MountPath.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("mountPath")));
            }
            if (!mountPoints.Add(mount.MountPath))
            {
                errors.Add(FieldError.Invalid(itemPath.Child("mountPath"), mount.MountPath, "must be unique"));
            }
            if (devicePaths.ContainsKey(mount.Name))
            {
                errors.Add(FieldError.Invalid(itemPath.Child("name"), mount.Name, "must not already exist in volumeDevices"));
            }
            if (devicePaths.ContainsValue(mount.MountPath))
            {
                errors.Add(FieldError.Invalid(itemPath.Child("mountPath"), mount.MountPath, "must not already exist as a path in volumeDevices"));
            }
            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                errors.AddRange(LocalDescendingPath(mount.SubPath, path.Child("subPath")));
            }
            if (!string.IsNullOrEmpty(mount.SubPathExpr))
            {
                if (!string.IsNullOrEmpty(mount.SubPath))
                {
                    errors.Add(FieldError.Invalid(itemPath.Child("subPathExpr"), mount.SubPathExpr, "subPathExpr and subPath are mutually exclusive"));
                }
                errors.AddRange(LocalDescendingPath(mount.SubPathExpr, path.Child("subPathExpr")));
            }
            if (mount.MountPropagation is { } propagation)
            {
                var propagationPath = path.Child("mountPropagation");
                if (propagation is not ("Bidirectional" or "HostToContainer" or "None"))
                {
                    errors.Add(FieldError.NotSupported(propagationPath, propagation, ["Bidirectional", "HostToContainer", "None"]));
                }
                else if (propagation == "Bidirectional" && container.SecurityContext?.Privileged != true)
                {
                    errors.Add(FieldError.Forbidden(propagationPath, "Bidirectional mount propagation is available only to privileged containers"));
                }
                else if (propagation == "Bidirectional")
                {
                    // A container's mount namespace is private or a slave of the node's: its mounts never reach the node.
                    errors.Add(FieldError.Forbidden(propagationPath, "Bidirectional mount propagation is not supported by Axolotl: mounts made in a container never reach the node (HostToContainer and None are)"));
                }
            }
            if (mount.RecursiveReadOnly is { } recursive)
            {
                var recursivePath = path.Child("recursiveReadOnly");
                if (recursive is not ("Disabled" or "IfPossible" or "Enabled"))
                {
                    errors.Add(FieldError.NotSupported(recursivePath, recursive, ["Disabled", "Enabled", "IfPossible"]));
                }
                else if (recursive != "Disabled" && mount.ReadOnly != true)
                {
                    errors.Add(FieldError.Forbidden(recursivePath, "may only be specified when readOnly is true"));
                }
                else if (recursive != "Disabled")
                {
                    errors.Add(FieldError.Forbidden(recursivePath, "recursiveReadOnly is not supported by Axolotl: a read-only volume mount is read-only at its own mount, not at the mounts below it"));
                }
            }
        }
        return errors;
    }

    public static List<FieldError> ValidateDevices(Container container, IReadOnlyDictionary<string, Volume> volumes, FieldPath path)
    {
        var errors = new List<FieldError>();
        var mountPaths = (container.VolumeMounts ?? []).GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last().MountPath, StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var devicePaths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (container.VolumeDevices?.Count ?? 0); i++)
        {
            var device = container.VolumeDevices![i];
            var itemPath = path.Index(i);
            if (device.Name.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("name")));
            }
            if (names.Contains(device.Name))
            {
                errors.Add(FieldError.Invalid(itemPath.Child("name"), device.Name, "must be unique"));
            }
            if (volumes.TryGetValue(device.Name, out var volume))
            {
                if (volume.PersistentVolumeClaim is null && volume.Ephemeral is null)
                {
                    errors.Add(FieldError.Invalid(itemPath.Child("name"), device.Name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"));
                }
            }
            else
            {
                errors.Add(FieldError.NotFound(itemPath.Child("name"), device.Name));
            }
            if (device.DevicePath.Length == 0)
            {
                errors.Add(FieldError.Required(itemPath.Child("devicePath")));
            }
            if (devicePaths.Contains(device.DevicePath))
            {
                errors.Add(FieldError.Invalid(itemPath.Child("devicePath"), device.DevicePath, "must be unique"));
            }
            if (device.DevicePath.Length > 0 && PathNoBacksteps(device.DevicePath, path).Count > 0)
            {
                errors.Add(FieldError.Invalid(itemPath.Child("devicePath"), device.DevicePath, "can not contain backsteps ('..')"));
            }
            else
            {
                devicePaths.Add(device.DevicePath);
            }
            if (mountPaths.ContainsKey(device.Name))
            {
                errors.Add(FieldError.Invalid(itemPath.Child("name"), device.Name, "must not already exist in volumeMounts"));
            }
            if (mountPaths.ContainsValue(device.DevicePath))
            {
                errors.Add(FieldError.Invalid(itemPath.Child("devicePath"), device.DevicePath, "must not already exist as a path in volumeMounts"));
            }
            if (device.Name.Length > 0)
            {
                names.Add(device.Name);
            }
        }
        return errors;
    }

    public static List<FieldError> PathNoBacksteps(string target, FieldPath path) =>
        target.Split('/', '\\').Contains("..") ? [FieldError.Invalid(path, target, "must not contain '..'")] : [];

    public static List<FieldError> LocalDescendingPath(string target, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (target.StartsWith('/'))
        {
            errors.Add(FieldError.Invalid(path, target, "must be a relative path"));
        }
        errors.AddRange(PathNoBacksteps(target, path));
        return errors;
    }

    private static List<FieldError> LocalNonReservedPath(string target, FieldPath path)
    {
        var errors = LocalDescendingPath(target, path);
        if (target.StartsWith("..", StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid(path, target, "must not start with '..'"));
        }
        return errors;
    }
}
