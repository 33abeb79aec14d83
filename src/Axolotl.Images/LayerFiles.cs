using System.Runtime.InteropServices;

namespace Axolotl.Images;

/// <summary>
/// Reads a file of an image from its unpacked layers without mounting them: the top-most layer that
/// has the path wins, a whiteout (a 0/0 character device) or an opaque directory on the way hides
/// what lies below, as overlayfs would show it. Symlinks are not followed (an image's symlink means
/// something only inside its own root), so such a path reads as absent.
/// </summary>
public static class LayerFiles
{
    /// <summary>The host path of <paramref name="relativePath"/> (e.g. "etc/passwd") in the image, or null.</summary>
    /// <param name="layersLowestFirst">The layers' directories, lowest first (as the snapshot store returns them).</param>
    public static string? Find(IReadOnlyList<string> layersLowestFirst, string relativePath) =>
        FindLayer(layersLowestFirst, relativePath) is { } layer ? Path.Combine(layer, Path.Combine(Parts(relativePath))) : null;

    private static string[] Parts(string relativePath) =>
        relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is var parts && parts.Any(p => p is "." or "..")
            ? throw new ArgumentException($"not a plain path of the image: {relativePath}", nameof(relativePath))
            : parts;

    /// <summary>The layer directory whose copy of <paramref name="relativePath"/> the image shows, or null.</summary>
    private static string? FindLayer(IReadOnlyList<string> layersLowestFirst, string relativePath)
    {
        var parts = Parts(relativePath);
        for (var i = layersLowestFirst.Count - 1; i >= 0; i--)
        {
            var path = layersLowestFirst[i];
            for (var p = 0; p < parts.Length; p++)
            {
                var parent = path;
                path = Path.Combine(path, parts[p]);
                if (Lstat(path, out var mode, out var rdev) != 0)
                {
                    // Not in this layer; an opaque parent hides every lower layer's copy.
                    if (p > 0 && IsOpaque(parent))
                    {
                        return null;
                    }

                    break;
                }

                var type = mode & TypeMask;
                if (type == CharDevice && rdev == 0)
                {
                    return null;
                }

                if (p == parts.Length - 1)
                {
                    return type == RegularFile ? layersLowestFirst[i] : null;
                }

                if (type != Directory)
                {
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>Reads the file's text, or null when the image does not have it; at most <paramref name="maxBytes"/>.</summary>
    public static string? ReadText(IReadOnlyList<string> layersLowestFirst, string relativePath, int maxBytes = 1024 * 1024)
    {
        if (FindLayer(layersLowestFirst, relativePath) is not { } layer)
        {
            return null;
        }

        // Opened again beneath the layer with no symlink on the way, so what was checked is what is read.
        using var root = Snapshots.RootedDirectory.Open(layer);
        using var handle = root.OpenFile(Parts(relativePath));
        if (handle is null)
        {
            return null;
        }

        using var stream = new FileStream(handle, FileAccess.Read, 1);
        var buffer = new byte[Math.Min(maxBytes, stream.Length)];
        stream.ReadExactly(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer);
    }

    private const uint TypeMask = 0xF000, Directory = 0x4000, RegularFile = 0x8000, CharDevice = 0x2000;

    private static bool IsOpaque(string directory)
    {
        var value = new byte[4];
        var n = LGetXattr(directory, "trusted.overlay.opaque", value, (nuint)value.Length);
        return n == 1 && value[0] == (byte)'y';
    }

    private static int Lstat(string path, out uint mode, out ulong rdev)
    {
        // statx has one layout on every architecture, unlike struct stat.
        var statx = new byte[256];
        const int atSymlinkNoFollow = 0x100, atFdCwd = -100;
        const uint statxType = 0x1, statxMode = 0x2;
        var rc = Statx(atFdCwd, path, atSymlinkNoFollow, statxType | statxMode, statx);
        mode = rc == 0 ? BitConverter.ToUInt16(statx, 0x1C) : 0u;
        // stx_rdev_major at 0x80, stx_rdev_minor at 0x84.
        rdev = rc == 0 ? ((ulong)BitConverter.ToUInt32(statx, 0x80) << 32) | BitConverter.ToUInt32(statx, 0x84) : 0;
        return rc;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "lgetxattr", SetLastError = true)]
    private static extern nint LGetXattr([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size);
}
