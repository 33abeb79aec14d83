using Axolotl.Images.Building;

namespace Axolotl.SeedImages.Layers;

/// <summary>
/// The entries of one layer, keyed by image path: parents are added as directories, a path added
/// twice keeps its first entry (two packages shipping the same directory), and host files keep
/// their permission bits (never their owners or times).
/// </summary>
public sealed class EntrySet
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101;
    private readonly Dictionary<string, LayerEntry> _entries = new(StringComparer.Ordinal);

    public IReadOnlyList<LayerEntry> Entries => [.. _entries.Values];

    public bool Contains(string path) => _entries.ContainsKey(Normalize(path));

    public EntrySet Directory(string path, UnixFileMode mode = DirectoryMode)
    {
        path = Normalize(path);
        AddParents(path);
        _entries.TryAdd(path, LayerEntry.Directory(path, mode));
        return this;
    }

    public EntrySet Text(string path, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100)
    {
        path = Normalize(path);
        AddParents(path);
        _entries[path] = LayerEntry.File(path, content, mode);
        return this;
    }

    /// <summary>A copy of a host file's content (symlinks on the host followed) with its permission bits.</summary>
    public EntrySet HostFile(string path, string hostPath)
    {
        path = Normalize(path);
        var real = new FileInfo(hostPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? hostPath;
        AddParents(path);
        _entries.TryAdd(path, LayerEntry.FromHost(path, real, File.GetUnixFileMode(real) & (UnixFileMode)0b111_111_111_111));
        return this;
    }

    public EntrySet Symlink(string path, string target)
    {
        path = Normalize(path);
        AddParents(path);
        _entries.TryAdd(path, LayerEntry.Symlink(path, target));
        return this;
    }

    private void AddParents(string path)
    {
        var slash = path.LastIndexOf('/');
        while (slash > 0)
        {
            var parent = path[..slash];
            if (!_entries.TryAdd(parent, LayerEntry.Directory(parent, DirectoryMode)))
            {
                break;
            }

            slash = parent.LastIndexOf('/');
        }
    }

    private static string Normalize(string path) => "/" + path.Trim('/');
}
