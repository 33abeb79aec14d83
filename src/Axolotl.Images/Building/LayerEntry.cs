namespace Axolotl.Images.Building;

/// <summary>What a layer entry is: the tar entry types an image layer uses, plus the overlay whiteouts of the OCI layer spec.</summary>
public enum LayerEntryKind
{
    File,
    Directory,
    Symlink,
    Hardlink,

    /// <summary><c>dir/.wh.name</c>: hides <c>dir/name</c> of the lower layers.</summary>
    Whiteout,

    /// <summary><c>dir/.wh..wh..opq</c>: hides everything the lower layers had under <c>dir</c>.</summary>
    OpaqueDirectory,
}

/// <summary>
/// One entry of a layer built by <see cref="LayerWriter"/>. A file's content is inline bytes or a
/// file on the host (streamed, never loaded); owners are 0 unless set, so a build does not depend on
/// who runs it.
/// </summary>
public sealed record LayerEntry(string Path, LayerEntryKind Kind)
{
    public byte[]? Content { get; init; }

    public string? HostPath { get; init; }

    /// <summary>Symlink target, or for a hardlink the image path of the file it links to.</summary>
    public string? LinkTarget { get; init; }

    public UnixFileMode Mode { get; init; }

    public int Uid { get; init; }

    public int Gid { get; init; }

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static LayerEntry File(string path, byte[] content, UnixFileMode mode = FileMode) => new(path, LayerEntryKind.File) { Content = content, Mode = mode };

    public static LayerEntry File(string path, string text, UnixFileMode mode = FileMode) => File(path, System.Text.Encoding.UTF8.GetBytes(text), mode);

    public static LayerEntry FromHost(string path, string hostPath, UnixFileMode mode = DirectoryMode) => new(path, LayerEntryKind.File) { HostPath = hostPath, Mode = mode };

    public static LayerEntry Directory(string path, UnixFileMode mode = DirectoryMode) => new(path, LayerEntryKind.Directory) { Mode = mode };

    public static LayerEntry Symlink(string path, string target) => new(path, LayerEntryKind.Symlink) { LinkTarget = target, Mode = DirectoryMode };

    public static LayerEntry Hardlink(string path, string target) => new(path, LayerEntryKind.Hardlink) { LinkTarget = target, Mode = FileMode };

    public static LayerEntry Whiteout(string path) => new(path, LayerEntryKind.Whiteout) { Mode = FileMode };

    public static LayerEntry Opaque(string directory) => new(directory, LayerEntryKind.OpaqueDirectory) { Mode = FileMode };
}
