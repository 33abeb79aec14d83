using Axolotl.Agent.Pods;
using Axolotl.Agent.Volumes.Confined;
using Axolotl.Api.Core;
using Axolotl.Runtime;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// A container's volumeMounts as binds for the runtime: the volume's directory, or the subPath in it
/// (subPathExpr expanded with the container's environment), at the normalised mountPath; parents
/// before children (as containerd orders them), so a mount inside another volume is not hidden.
/// A subPath is resolved inside its volume here (<see cref="VolumePath"/>) and handed to the launcher
/// as "VOLUME/./PATH" (rsync's marker): PATH has no symlink and no "..", and the launcher opens it
/// beneath VOLUME with no symlink followed at all, so what the pod swaps in after this check is
/// refused there rather than mounted (CVE-2021-25741).
/// </summary>
public static class ContainerMounts
{
    /// <summary>Throws <see cref="ContainerConfigException"/> (CreateContainerConfigError) for a mount the pod cannot have.</summary>
    public static IReadOnlyList<ContainerMount> For(Container container, IReadOnlyDictionary<string, MountedVolume> volumes, IReadOnlyDictionary<string, string> environment)
    {
        var mounts = new List<ContainerMount>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!volumes.TryGetValue(mount.Name, out var volume))
            {
                throw new ContainerConfigException($"cannot find volume \"{mount.Name}\" to mount into container \"{container.Name}\"");
            }
            var subPath = !string.IsNullOrEmpty(mount.SubPathExpr) ? EnvResolver.Expand(mount.SubPathExpr, environment) : mount.SubPath;
            var source = string.IsNullOrEmpty(subPath) ? WithoutMarker(volume.Path) : SubPathSource(volume, subPath, mount, container);
            var target = Target(mount.MountPath);
            if (target == "/")
            {
                throw new ContainerConfigException($"volumeMount \"{mount.Name}\" of container \"{container.Name}\" cannot be mounted on /");
            }
            mounts.Add(new ContainerMount(source, target, volume.Projected || volume.ReadOnly || mount.ReadOnly == true)
            {
                HostToContainer = mount.MountPropagation == "HostToContainer",
            });
        }
        return [.. mounts.OrderBy(m => m.Target.Count(c => c == '/'))];
    }

    /// <summary>An absolute, clean path: ".." cannot climb above "/", doubled and trailing slashes go.</summary>
    public static string Target(string mountPath)
    {
        var full = Path.GetFullPath("/" + mountPath.TrimStart('/'));
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>The marker that splits a subPath source into its volume and its path inside (see volume-mounts.c).</summary>
    public const string SubPathMarker = "/./";

    private static string SubPathSource(MountedVolume volume, string subPath, VolumeMount mount, Container container)
    {
        var failed = $"failed to prepare subPath for volumeMount \"{mount.Name}\" of container \"{container.Name}\"";
        if (Path.IsPathRooted(subPath) || subPath.Split('/').Contains(".."))
        {
            throw new ContainerConfigException($"{failed}: subPath {subPath} must be a relative path without '..'");
        }
        var root = WithoutMarker(volume.Path);
        try
        {
            // The kubelet makes a missing subPath as a directory with the volume root's mode; never in projected content.
            using var resolved = VolumePath.Open(root, subPath, volume.Projected ? null : File.GetUnixFileMode(root));
            return root.TrimEnd('/') + SubPathMarker + resolved.Relative;
        }
        catch (PathOutsideVolumeException)
        {
            // A symlink the pod wrote into its volume must not lead the bind out of it (CVE-2017-1002101).
            throw new ContainerConfigException($"{failed}: {subPath} leads outside the volume");
        }
        catch (FileNotFoundException)
        {
            throw new ContainerConfigException($"{failed}: {subPath} does not exist in the volume");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContainerConfigException($"{failed}: {e.Message}");
        }
    }

    /// <summary>A volume path never carries the subPath marker itself ("/srv/./data" of a hostPath is "/srv/data").</summary>
    private static string WithoutMarker(string path)
    {
        while (path.Contains(SubPathMarker, StringComparison.Ordinal))
        {
            path = path.Replace(SubPathMarker, "/", StringComparison.Ordinal);
        }
        return path.EndsWith("/.", StringComparison.Ordinal) && path.Length > 2 ? path[..^2] : path;
    }
}
