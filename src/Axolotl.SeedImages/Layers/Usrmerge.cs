namespace Axolotl.SeedImages.Layers;

/// <summary>Debian 12's merged /usr: /bin, /sbin, /lib and /lib64 are links into /usr, as in its images.</summary>
public static class Usrmerge
{
    private static readonly string[] Merged = ["bin", "sbin", "lib", "lib64"];

    public static string Path(string path)
    {
        foreach (var top in Merged)
        {
            if (path == "/" + top || path.StartsWith("/" + top + "/", StringComparison.Ordinal))
            {
                return "/usr" + path;
            }
        }

        return path;
    }

    public static bool IsMergedTop(string path) => Merged.Any(t => path == "/" + t);

    public static EntrySet AddLinks(EntrySet set)
    {
        foreach (var top in Merged)
        {
            set.Directory("/usr/" + top).Symlink("/" + top, "usr/" + top);
        }

        return set;
    }
}
