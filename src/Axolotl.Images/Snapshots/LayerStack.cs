using Microsoft.Win32.SafeHandles;
using static Axolotl.Images.Snapshots.NativeFiles;

namespace Axolotl.Images.Snapshots;

/// <summary>
/// The image as overlayfs will show it while a layer is being applied: the new layer's directory over
/// the lower layers' directories, each opened once as a <see cref="RootedDirectory"/>. Lookups never
/// follow a symlink on the host: a lower layer is searched only where every directory above it lets
/// it show through (no file, symlink or whiteout on the way in a higher layer, no opaque directory),
/// as overlayfs merges directories. Image symlinks are followed by <see cref="LayerApplier"/> as paths
/// of the image, never by the kernel.
/// </summary>
internal sealed class LayerStack : IDisposable
{
    private const string OpaqueXattr = "trusted.overlay.opaque";
    private readonly List<RootedDirectory> _layers;

    public LayerStack(string upper, IReadOnlyList<string> lowersTopFirst)
    {
        _layers = [RootedDirectory.Open(upper)];
        try
        {
            _layers.AddRange(lowersTopFirst.Select(RootedDirectory.Open));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The layer being written.</summary>
    public RootedDirectory Upper => _layers[0];

    /// <summary>An entry of the image: the layer it comes from (0: the new one) and what it is.</summary>
    public readonly record struct Found(int Layer, FileStat Stat)
    {
        public bool InUpper => Layer == 0;
    }

    public RootedDirectory Layer(int index) => _layers[index];

    /// <summary>The entry at <paramref name="parts"/> (a path with no symlink on the way) as the image shows it; null when none or whited out.</summary>
    public Found? Find(IReadOnlyList<string> parts)
    {
        for (var i = 0; i < _layers.Count; i++)
        {
            switch (FindIn(_layers[i], parts, out var stat))
            {
                case Presence.Here:
                    return new Found(i, stat);
                case Presence.Absent:
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    private enum Presence
    {
        Here,
        /// <summary>Not in this layer: a lower one may have it.</summary>
        Absent,
        /// <summary>Not in this layer, and this layer hides the lower ones there (a whiteout, a non-directory parent, an opaque directory).</summary>
        Hidden,
    }

    private static Presence FindIn(RootedDirectory layer, IReadOnlyList<string> parts, out FileStat stat)
    {
        stat = default;
        var opaque = IsOpaque(layer.Handle);
        if (parts.Count == 0)
        {
            stat = StatOf(layer.Handle);
            return Presence.Here;
        }

        SafeFileHandle? dir = null;
        try
        {
            for (var i = 0; i < parts.Count - 1; i++)
            {
                var parent = dir ?? layer.Handle;
                var here = StatAt(parent, parts[i]);
                if (here is null)
                {
                    return opaque ? Presence.Hidden : Presence.Absent;
                }

                if (!here.Value.IsDirectory)
                {
                    return Presence.Hidden;
                }

                var next = OpenAt(parent, parts[i], ReadOnly | NativeFiles.Directory | NoFollow, 0, out _);
                if (next is null)
                {
                    return Presence.Hidden;
                }

                dir?.Dispose();
                dir = next;
                opaque |= IsOpaque(dir);
            }

            var last = StatAt(dir ?? layer.Handle, parts[^1]);
            if (last is null)
            {
                return opaque ? Presence.Hidden : Presence.Absent;
            }

            if (last.Value.IsWhiteout)
            {
                return Presence.Hidden;
            }

            stat = last.Value;
            return Presence.Here;
        }
        finally
        {
            dir?.Dispose();
        }
    }

    private static bool IsOpaque(SafeFileHandle directory) => GetXattr(directory, OpaqueXattr) is [(byte)'y'];

    public static void MarkOpaque(SafeFileHandle directory) => SetXattr(directory, OpaqueXattr, "y"u8.ToArray());

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }
    }
}
