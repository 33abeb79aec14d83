using System.Formats.Tar;
using System.Text;

namespace Axolotl.Agent.Images.Snapshots;

/// <summary>
/// Applies one layer's tar to an empty directory in the form overlayfs reads (containerd's overlay
/// snapshotter with OverlayConvertWhiteout): a whiteout <c>.wh.NAME</c> becomes a 0/0 character
/// device, an opaque marker <c>.wh..wh..opq</c> the xattr <c>trusted.overlay.opaque=y</c>.
/// The layer is hostile until proven otherwise:
/// <list type="bullet">
/// <item>names are cleaned as containerd does (absolute made relative, <c>..</c> clamped at the root);</item>
/// <item>parents are resolved inside the layer: a symlink on the way (in this layer or, for a parent
/// this layer lacks, in a lower one) is followed as inside the image's root, never out of it;</item>
/// <item>a hardlink must point at a file of the image; device nodes are not created (the container
/// gets the runtime's own /dev), only <c>user.</c> xattrs are applied.</item>
/// </list>
/// A parent this layer lacks is made with its lower copy's owner and mode, as overlayfs' copy-up
/// would keep them (else a new file in /tmp would turn the merged /tmp 0755).
/// </summary>
internal sealed class LayerApplier
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";
    private const int MaxSymlinks = 40;

    private readonly string _root;
    private readonly IReadOnlyList<string> _lowersTopFirst;
    private readonly List<(string Path, DateTimeOffset Modified)> _directoryTimes = [];

    private LayerApplier(string root, IReadOnlyList<string> lowersTopFirst)
    {
        _root = root;
        _lowersTopFirst = lowersTopFirst;
    }

    /// <summary>Entries skipped because they were device nodes.</summary>
    public int SkippedDevices { get; private set; }

    /// <param name="root">The new layer's directory, empty.</param>
    /// <param name="lowersTopFirst">The image's layers below this one, top-most first.</param>
    public static LayerApplier Apply(Stream tar, string root, IReadOnlyList<string> lowersTopFirst)
    {
        var applier = new LayerApplier(root, lowersTopFirst);
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            applier.ApplyEntry(entry);
        }

        // Last, deepest first: creating entries inside a directory changes its time.
        foreach (var (path, modified) in Enumerable.Reverse(applier._directoryTimes))
        {
            NativeFiles.SetModified(path, modified);
        }

        return applier;
    }

    private void ApplyEntry(TarEntry entry)
    {
        var parts = Clean(entry.Name);
        if (parts.Count == 0)
        {
            // The layer's root itself ("./"): its metadata belongs to the image's root directory.
            return;
        }

        var name = parts[^1];
        var parent = ResolveParent(parts.Take(parts.Count - 1));
        if (name == OpaqueMarker)
        {
            NativeFiles.SetXattr(parent, "trusted.overlay.opaque", "y"u8.ToArray());
            return;
        }

        if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            var hidden = Path.Combine(parent, name[WhiteoutPrefix.Length..]);
            Remove(hidden);
            NativeFiles.MakeWhiteout(hidden);
            return;
        }

        var path = Path.Combine(parent, name);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (!IsRealDirectory(path))
                {
                    Remove(path);
                    Directory.CreateDirectory(path);
                }

                SetMetadata(path, entry, directory: true);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                Remove(path);
                using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                {
                    entry.DataStream?.CopyTo(output, 256 * 1024);
                }

                SetMetadata(path, entry, directory: false);
                break;
            case TarEntryType.SymbolicLink:
                Remove(path);
                File.CreateSymbolicLink(path, entry.LinkName);
                NativeFiles.ChangeOwner(path, entry.Uid, entry.Gid);
                NativeFiles.SetModified(path, entry.ModificationTime);
                break;
            case TarEntryType.HardLink:
                Link(path, entry);
                break;
            case TarEntryType.Fifo:
                Remove(path);
                NativeFiles.MakeFifo(path, (int)entry.Mode);
                SetMetadata(path, entry, directory: false);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                SkippedDevices++;
                break;
            default:
                throw new LayerUnpackException($"layer entry {entry.Name}: unsupported type {entry.EntryType}");
        }
    }

    /// <summary>A tar name cleaned as containerd cleans it: relative, "." dropped, ".." clamped at the root.</summary>
    internal static List<string> Clean(string name)
    {
        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return parts;
    }

    /// <summary>
    /// The host directory for a parent path, made when missing. Symlinks on the way are followed as
    /// inside the image (an absolute target starts again at the layer's root; ".." stops there).
    /// </summary>
    private string ResolveParent(IEnumerable<string> parts)
    {
        var resolved = new List<string>();
        var pending = new LinkedList<string>(parts);
        var links = 0;
        while (pending.First is { } first)
        {
            var part = first.Value;
            pending.RemoveFirst();
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var relative = Path.Combine([.. resolved, part]);
            var here = Path.Combine(_root, relative);
            var info = new DirectoryInfo(here);
            string? linkTarget = null;
            if (info.Exists && info.LinkTarget is null)
            {
                resolved.Add(part);
                continue;
            }

            if (info.LinkTarget is { } local)
            {
                linkTarget = local;
            }
            else if (File.Exists(here))
            {
                // A file where a directory is wanted: a later entry wins, as in tar.
                File.Delete(here);
            }
            else if (LowerEntry(relative) is { } lower)
            {
                if (lower.LinkTarget is { } lowerLink)
                {
                    linkTarget = lowerLink;
                }
                else if (lower is DirectoryInfo lowerDirectory)
                {
                    CreateLike(here, lowerDirectory);
                    resolved.Add(part);
                    continue;
                }
            }

            if (linkTarget is null)
            {
                Directory.CreateDirectory(here);
                resolved.Add(part);
                continue;
            }

            if (++links > MaxSymlinks)
            {
                throw new LayerUnpackException($"too many levels of symbolic links under {relative}");
            }

            if (linkTarget.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var linked in Enumerable.Reverse(linkTarget.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            {
                if (linked != ".")
                {
                    pending.AddFirst(linked);
                }
            }
        }

        return resolved.Count == 0 ? _root : Path.Combine(_root, Path.Combine([.. resolved]));
    }

    /// <summary>The top-most lower layer's entry at a relative path (not following a final symlink), or null.</summary>
    private FileSystemInfo? LowerEntry(string relative)
    {
        foreach (var lower in _lowersTopFirst)
        {
            var path = Path.Combine(lower, relative);
            var file = new FileInfo(path);
            if (file.LinkTarget is not null || (file.Exists && !file.Attributes.HasFlag(FileAttributes.Directory)))
            {
                return file;
            }

            var directory = new DirectoryInfo(path);
            if (directory.Exists)
            {
                return directory;
            }
        }

        return null;
    }

    private static void CreateLike(string path, DirectoryInfo lower)
    {
        Directory.CreateDirectory(path);
        var (uid, gid) = NativeFiles.Owner(lower.FullName);
        NativeFiles.ChangeOwner(path, uid, gid);
        File.SetUnixFileMode(path, lower.UnixFileMode);
    }

    private void Link(string path, TarEntry entry)
    {
        var target = Clean(entry.LinkName);
        if (target.Count == 0)
        {
            throw new LayerUnpackException($"layer entry {entry.Name}: hardlink to the root");
        }

        var relative = Path.Combine([.. target]);
        var inLayer = Path.Combine(ResolveParent(target.Take(target.Count - 1)), target[^1]);
        Remove(path);
        var local = new FileInfo(inLayer);
        if (local.Exists && local.LinkTarget is null)
        {
            NativeFiles.HardLink(inLayer, path);
            return;
        }

        // The target is in a lower layer: a link across layers cannot exist, so the file is copied (as copy-up would).
        if (LowerEntry(relative) is FileInfo { LinkTarget: null, Exists: true } lower)
        {
            lower.CopyTo(path);
            var (uid, gid) = NativeFiles.Owner(lower.FullName);
            NativeFiles.ChangeOwner(path, uid, gid);
            File.SetUnixFileMode(path, lower.UnixFileMode);
            return;
        }

        throw new LayerUnpackException($"layer entry {entry.Name}: hardlink target {entry.LinkName} is not a file of the image");
    }

    private void SetMetadata(string path, TarEntry entry, bool directory)
    {
        NativeFiles.ChangeOwner(path, entry.Uid, entry.Gid);
        // After chown, which clears set-user-ID and set-group-ID.
        File.SetUnixFileMode(path, (UnixFileMode)((int)entry.Mode & 0xFFF));
        if (entry is PaxTarEntry pax)
        {
            foreach (var (key, value) in pax.ExtendedAttributes)
            {
                const string prefix = "SCHILY.xattr.";
                if (key.StartsWith(prefix + "user.", StringComparison.Ordinal))
                {
                    NativeFiles.SetXattr(path, key[prefix.Length..], Encoding.UTF8.GetBytes(value));
                }
            }
        }

        if (directory)
        {
            _directoryTimes.Add((path, entry.ModificationTime));
        }
        else
        {
            NativeFiles.SetModified(path, entry.ModificationTime);
        }
    }

    private static bool IsRealDirectory(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists && info.LinkTarget is null;
    }

    /// <summary>Removes whatever is at path (a directory with its contents), never following a symlink.</summary>
    private static void Remove(string path)
    {
        switch (NativeFiles.TypeOf(path))
        {
            case null:
                return;
            case NativeFiles.DirectoryType:
                Directory.Delete(path, recursive: true);
                return;
            default:
                File.Delete(path);
                return;
        }
    }
}
