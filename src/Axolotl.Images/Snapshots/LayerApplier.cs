using System.Formats.Tar;
using System.Text;
using Microsoft.Win32.SafeHandles;
using static Axolotl.Images.Snapshots.NativeFiles;

namespace Axolotl.Images.Snapshots;

/// <summary>
/// Applies one layer's tar to an empty directory in the form overlayfs reads (containerd's overlay
/// snapshotter with OverlayConvertWhiteout): a whiteout <c>.wh.NAME</c> becomes a 0/0 character
/// device, an opaque marker <c>.wh..wh..opq</c> the xattr <c>trusted.overlay.opaque=y</c>.
/// The layer is hostile until proven otherwise:
/// <list type="bullet">
/// <item>names are cleaned as containerd does (absolute made relative, <c>..</c> clamped at the root);</item>
/// <item>parents are resolved as paths of the image: a symlink on the way (in this layer or, for a
/// parent this layer lacks, in a lower one) is followed inside the image's root, never out of it;</item>
/// <item>every file call goes through a directory opened beneath the layer without following a link
/// (<see cref="RootedDirectory"/>) and names one component of it, with the no-follow form of the call;</item>
/// <item>a hardlink must name a file of the image by its own path: one whose path passes through a
/// symlink is refused (a layer's own files are never reached through links; the links are how image
/// hard links read the host); device nodes are not created (the container gets the runtime's own
/// /dev), only <c>user.</c> xattrs are applied;</item>
/// <item>what is written is counted against the image filesystem's floor (<see cref="UnpackSpaceGuard"/>).</item>
/// </list>
/// A parent this layer lacks is made with its lower copy's owner and mode, as overlayfs' copy-up
/// would keep them (else a new file in /tmp would turn the merged /tmp 0755).
/// </summary>
internal sealed class LayerApplier : IDisposable
{
    private const string WhiteoutPrefix = ".wh.";
    private const string WhiteoutMetaPrefix = ".wh..wh.";
    private const string OpaqueMarker = ".wh..wh..opq";
    private const int MaxSymlinks = 40;
    private const int CopyBuffer = 256 * 1024;

    private readonly LayerStack _stack;
    private readonly UnpackSpaceGuard? _space;
    private readonly List<(string[] Parts, DateTimeOffset Modified)> _directoryTimes = [];
    private readonly byte[] _buffer = new byte[CopyBuffer];

    private LayerApplier(string root, IReadOnlyList<string> lowersTopFirst, UnpackSpaceGuard? space)
    {
        _stack = new LayerStack(root, lowersTopFirst);
        _space = space;
    }

    /// <summary>Entries skipped because they were device nodes.</summary>
    public int SkippedDevices { get; private set; }

    /// <param name="root">The new layer's directory, empty.</param>
    /// <param name="lowersTopFirst">The image's layers below this one, top-most first.</param>
    /// <param name="space">Counts what is written against the image filesystem's floor; null: not bounded.</param>
    public static LayerApplier Apply(Stream tar, string root, IReadOnlyList<string> lowersTopFirst, UnpackSpaceGuard? space = null)
    {
        var applier = new LayerApplier(root, lowersTopFirst, space);
        try
        {
            using var reader = new TarReader(tar, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                applier.ApplyEntry(entry);
            }

            // Last, deepest first: creating entries inside a directory changes its time.
            foreach (var (parts, modified) in Enumerable.Reverse(applier._directoryTimes))
            {
                using var directory = applier._stack.Upper.OpenDirectory(parts);
                if (directory is not null)
                {
                    SetModified(directory, modified);
                }
            }

            return applier;
        }
        finally
        {
            applier.Dispose();
        }
    }

    public void Dispose() => _stack.Dispose();

    private void ApplyEntry(TarEntry entry)
    {
        if (entry.Name.Contains('\0', StringComparison.Ordinal) || entry.LinkName.Contains('\0', StringComparison.Ordinal))
        {
            throw new LayerUnpackException($"layer entry {Quote(entry.Name)}: a name with a NUL byte");
        }

        var parts = Clean(entry.Name);
        if (parts.Count == 0)
        {
            // The layer's root itself ("./"): its metadata belongs to the image's root directory.
            return;
        }

        _space?.ReserveEntry();
        var name = parts[^1];
        var parentParts = ResolveParent(parts.Take(parts.Count - 1), entry.Name);
        using var parent = _stack.Upper.OpenDirectory(parentParts)
            ?? throw new LayerUnpackException($"layer entry {Quote(entry.Name)}: parent {Quote(string.Join('/', parentParts))} is not a directory of the layer");
        if (name == OpaqueMarker)
        {
            LayerStack.MarkOpaque(parent);
            return;
        }

        if (name.StartsWith(WhiteoutMetaPrefix, StringComparison.Ordinal))
        {
            // aufs' own bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not part of the image, as containerd skips it.
            return;
        }

        if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            var hidden = name[WhiteoutPrefix.Length..];
            if (hidden is "" or "." or "..")
            {
                throw new LayerUnpackException($"layer entry {Quote(entry.Name)}: whiteout of {Quote(hidden)} escapes from its parent");
            }

            Remove(parent, hidden);
            MakeWhiteoutAt(parent, hidden);
            return;
        }

        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (StatAt(parent, name) is not { IsDirectory: true })
                {
                    Remove(parent, name);
                    MakeDirectoryAt(parent, name, 0x1C0);
                }

                using (var directory = OpenAt(parent, name, ReadOnly | NativeFiles.Directory | NoFollow, 0, out var errno)
                    ?? throw Error("openat", name, errno))
                {
                    SetMetadata(directory, entry);
                }

                _directoryTimes.Add(([.. parentParts, name], entry.ModificationTime));
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                Remove(parent, name);
                using (var file = CreateFile(parent, name))
                {
                    if (entry.DataStream is { } data)
                    {
                        Copy(data, file);
                    }

                    SetMetadata(file, entry);
                    SetModified(file, entry.ModificationTime);
                }

                break;
            case TarEntryType.SymbolicLink:
                Remove(parent, name);
                SymlinkAt(entry.LinkName, parent, name);
                ChangeOwnerAt(parent, name, entry.Uid, entry.Gid);
                SetModifiedAt(parent, name, entry.ModificationTime);
                break;
            case TarEntryType.HardLink:
                Link(parent, parentParts, name, entry);
                break;
            case TarEntryType.Fifo:
                Remove(parent, name);
                MakeFifoAt(parent, name, 0x180);
                ChangeOwnerAt(parent, name, entry.Uid, entry.Gid);
                ChangeModeAt(parent, name, (uint)entry.Mode);
                SetModifiedAt(parent, name, entry.ModificationTime);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                SkippedDevices++;
                break;
            default:
                throw new LayerUnpackException($"layer entry {Quote(entry.Name)}: unsupported type {entry.EntryType}");
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
    /// The layer's directory for a parent path, made when missing, as a path with no symlink. Symlinks
    /// on the way are followed as paths of the image (an absolute target starts again at the image's
    /// root; ".." stops there), so the result is always inside the layer.
    /// </summary>
    private List<string> ResolveParent(IEnumerable<string> parts, string entryName)
    {
        var wanted = parts.ToList();
        using (var direct = _stack.Upper.OpenDirectory(wanted))
        {
            if (direct is not null)
            {
                // This layer already has every directory on the way: it wins over whatever is below.
                return wanted;
            }
        }

        var resolved = new List<string>();
        var pending = new LinkedList<string>(wanted);
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

            using var parent = _stack.Upper.OpenDirectory(resolved)
                ?? throw new LayerUnpackException($"layer entry {Quote(entryName)}: {Quote(string.Join('/', resolved))} is not a directory of the layer");
            List<string> candidate = [.. resolved, part];
            var found = _stack.Find(candidate);
            string? linkTarget = null;
            if (found is { Stat.IsSymlink: true } link)
            {
                if (link.InUpper)
                {
                    linkTarget = ReadLinkAt(parent, part);
                }
                else
                {
                    // Find walked this path as directories of that layer, so it opens there too.
                    using var lowerParent = _stack.Layer(link.Layer).OpenDirectory(resolved)
                        ?? throw new LayerUnpackException($"layer entry {Quote(entryName)}: {Quote(string.Join('/', candidate))} moved while it was read");
                    linkTarget = ReadLinkAt(lowerParent, part);
                }
            }
            else if (found is { Stat.IsDirectory: true } directory)
            {
                if (!directory.InUpper)
                {
                    // Made with the lower copy's owner and mode, as overlayfs' copy-up keeps them.
                    MakeDirectoryAt(parent, part, directory.Stat.Permissions);
                    ChangeOwnerAt(parent, part, directory.Stat.Uid, directory.Stat.Gid);
                    ChangeModeAt(parent, part, directory.Stat.Permissions);
                }

                resolved.Add(part);
                continue;
            }
            else
            {
                // Nothing there, or a file where a directory is wanted: a later entry wins, as in tar.
                var whiteout = StatAt(parent, part) is { IsWhiteout: true };
                Remove(parent, part);
                MakeDirectoryAt(parent, part, 0x1ED);
                if (whiteout)
                {
                    // The lower directory this layer deleted must not show through the new one.
                    using var made = OpenAt(parent, part, ReadOnly | NativeFiles.Directory | NoFollow, 0, out var errno) ?? throw Error("openat", part, errno);
                    LayerStack.MarkOpaque(made);
                }

                resolved.Add(part);
                continue;
            }

            if (++links > MaxSymlinks)
            {
                throw new LayerUnpackException($"layer entry {Quote(entryName)}: too many levels of symbolic links under {Quote(string.Join('/', candidate))}");
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

        return resolved;
    }

    /// <summary>
    /// A tar hardlink names an earlier member by its path in the archive, which never passes through a
    /// symlink; one that does is how a layer reaches what the symlink points at (a host file, if the
    /// link were resolved on the host), so it is refused whatever the symlink's target.
    /// </summary>
    private void Link(SafeFileHandle parent, List<string> parentParts, string name, TarEntry entry)
    {
        var target = Clean(entry.LinkName);
        if (target.Count == 0)
        {
            throw new LayerUnpackException($"invalid hardlink {Quote(entry.Name)} -> {Quote(entry.LinkName)}: a link to the root");
        }

        for (var i = 1; i < target.Count; i++)
        {
            List<string> prefix = [.. target.Take(i)];
            var on = _stack.Find(prefix);
            if (on is not { Stat.IsDirectory: true })
            {
                var what = on is { Stat.IsSymlink: true } ? "is a symbolic link: the target escapes from its parent" : "is not a directory of the image";
                throw new LayerUnpackException($"invalid hardlink {Quote(entry.Name)} -> {Quote(entry.LinkName)}: {Quote(string.Join('/', prefix))} {what}");
            }
        }

        if (target.SequenceEqual([.. parentParts, name]))
        {
            throw new LayerUnpackException($"invalid hardlink {Quote(entry.Name)} -> {Quote(entry.LinkName)}: a link to itself");
        }

        var found = _stack.Find(target);
        var targetParent = target.Take(target.Count - 1).ToList();
        if (found is { InUpper: true } local && (local.Stat.IsRegular || local.Stat.IsSymlink))
        {
            using var from = _stack.Upper.OpenDirectory(targetParent) ?? throw new LayerUnpackException($"invalid hardlink {Quote(entry.Name)} -> {Quote(entry.LinkName)}");
            Remove(parent, name);
            HardLinkAt(from, target[^1], parent, name);
            return;
        }

        // A link across layers cannot exist: the lower entry is copied, as copy-up would.
        if (found is { InUpper: false, Stat.IsSymlink: true } lowerLink)
        {
            using var from = _stack.Layer(lowerLink.Layer).OpenDirectory(targetParent) ?? throw new LayerUnpackException($"invalid hardlink {Quote(entry.Name)} -> {Quote(entry.LinkName)}");
            var text = ReadLinkAt(from, target[^1]);
            Remove(parent, name);
            SymlinkAt(text, parent, name);
            ChangeOwnerAt(parent, name, lowerLink.Stat.Uid, lowerLink.Stat.Gid);
            return;
        }

        if (found is { InUpper: false, Stat.IsRegular: true } lower)
        {
            using var source = _stack.Layer(lower.Layer).OpenFile(target) ?? throw new LayerUnpackException($"invalid hardlink {Quote(entry.Name)} -> {Quote(entry.LinkName)}");
            var stat = StatOf(source);
            Remove(parent, name);
            using var copy = CreateFile(parent, name);
            using (var input = new FileStream(source, FileAccess.Read, 1))
            {
                Copy(input, copy);
            }

            ChangeOwner(copy, stat.Uid, stat.Gid);
            ChangeMode(copy, stat.Permissions);
            return;
        }

        throw new LayerUnpackException($"invalid hardlink {Quote(entry.Name)} -> {Quote(entry.LinkName)}: not a file of the image");
    }

    private static SafeFileHandle CreateFile(SafeFileHandle parent, string name) =>
        OpenAt(parent, name, WriteOnly | Create | Exclusive | NoFollow, 0x180, out var errno) ?? throw Error("openat", name, errno);

    private void Copy(Stream data, SafeFileHandle file)
    {
        long offset = 0;
        int n;
        while ((n = data.Read(_buffer)) > 0)
        {
            _space?.Reserve(n);
            RandomAccess.Write(file, _buffer.AsSpan(0, n), offset);
            offset += n;
        }
    }

    private static void SetMetadata(SafeFileHandle file, TarEntry entry)
    {
        ChangeOwner(file, entry.Uid, entry.Gid);
        // After chown, which clears set-user-ID and set-group-ID.
        ChangeMode(file, (uint)entry.Mode);
        if (entry is PaxTarEntry pax)
        {
            foreach (var (key, value) in pax.ExtendedAttributes)
            {
                const string prefix = "SCHILY.xattr.";
                if (key.StartsWith(prefix + "user.", StringComparison.Ordinal))
                {
                    SetXattr(file, key[prefix.Length..], Encoding.UTF8.GetBytes(value));
                }
            }
        }
    }

    /// <summary>Removes whatever is at name in dir (a directory with its contents), never following a symlink.</summary>
    private static void Remove(SafeFileHandle dir, string name)
    {
        switch (StatAt(dir, name))
        {
            case null:
                return;
            case { IsDirectory: true }:
                using (var inner = OpenAt(dir, name, ReadOnly | NativeFiles.Directory | NoFollow, 0, out var errno) ?? throw Error("openat", name, errno))
                {
                    // The descriptor's /proc name lists the directory it is, wherever that is now; each entry is removed through it.
                    foreach (var child in System.IO.Directory.EnumerateFileSystemEntries($"/proc/self/fd/{inner.DangerousGetHandle()}").Select(Path.GetFileName).ToList())
                    {
                        Remove(inner, child!);
                    }
                }

                RemoveDirectoryAt(dir, name);
                return;
            default:
                UnlinkAt(dir, name);
                return;
        }
    }

    private static string Quote(string text) => "\"" + text + "\"";
}
