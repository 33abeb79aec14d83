using System.Runtime.InteropServices;
using Axolotl.Agent.Pods;
using Axolotl.Agent.Runtime;
using Axolotl.Api.Core;

namespace Axolotl.Agent.Volumes;

/// <summary>
/// A container's volumeMounts as binds for the runtime: the volume's directory, or the subPath in it
/// (subPathExpr expanded with the container's environment), at the normalised mountPath; parents
/// before children (as containerd orders them), so a mount inside another volume is not hidden.
/// </summary>
public static class ContainerMounts
{
    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr RealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);

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
            var source = string.IsNullOrEmpty(subPath) ? volume.Path : SubPathSource(volume, subPath, mount, container);
            var target = Target(mount.MountPath);
            if (target == "/")
            {
                throw new ContainerConfigException($"volumeMount \"{mount.Name}\" of container \"{container.Name}\" cannot be mounted on /");
            }
            mounts.Add(new ContainerMount(source, target, volume.Projected || volume.ReadOnly || mount.ReadOnly == true));
        }
        return [.. mounts.OrderBy(m => m.Target.Count(c => c == '/'))];
    }

    /// <summary>An absolute, clean path: ".." cannot climb above "/", doubled and trailing slashes go.</summary>
    public static string Target(string mountPath)
    {
        var full = Path.GetFullPath("/" + mountPath.TrimStart('/'));
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private static string SubPathSource(MountedVolume volume, string subPath, VolumeMount mount, Container container)
    {
        if (Path.IsPathRooted(subPath) || subPath.Split('/').Contains(".."))
        {
            throw new ContainerConfigException($"failed to prepare subPath for volumeMount \"{mount.Name}\" of container \"{container.Name}\": subPath {subPath} must be a relative path without '..'");
        }
        var source = Path.Combine(volume.Path, subPath);
        if (!Path.Exists(source))
        {
            if (volume.Projected)
            {
                throw new ContainerConfigException($"failed to prepare subPath for volumeMount \"{mount.Name}\" of container \"{container.Name}\": {subPath} does not exist in the volume");
            }
            // The kubelet makes a missing subPath as a directory.
            Directory.CreateDirectory(source);
        }
        // A symlink the pod wrote into its volume must not lead the bind out of it (CVE-2017-1002101).
        var root = Resolve(volume.Path);
        var resolved = Resolve(source);
        if (root is null || resolved is null || (resolved != root && !resolved.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal)))
        {
            throw new ContainerConfigException($"failed to prepare subPath for volumeMount \"{mount.Name}\" of container \"{container.Name}\": {subPath} leads outside the volume");
        }
        return source;
    }

    /// <summary>The path with every symlink resolved (libc realpath), null when it does not exist.</summary>
    private static string? Resolve(string path)
    {
        var pointer = RealPath(path, IntPtr.Zero);
        if (pointer == IntPtr.Zero)
        {
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(pointer);
        }
        finally
        {
            Free(pointer);
        }
    }
}
