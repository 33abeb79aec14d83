namespace Axolotl.Commands;

/// <summary>Where a server or agent keeps its state, and the permissions that keep it to root.</summary>
public static class DataDirectory
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>$XDG_DATA_HOME/axolotl, else ~/.local/share/axolotl.</summary>
    public static string Default()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "axolotl");
    }

    /// <summary>
    /// Creates <paramref name="path"/> as 0700, or takes an existing one (an older release made them
    /// 0755) down to 0700. Nothing below it (the database and its WAL, keys, tokens, container logs,
    /// Secret volumes) can then be reached by another user, whatever the files' own modes.
    /// </summary>
    public static void EnsurePrivate(string path)
    {
        Directory.CreateDirectory(path, OwnerOnlyDirectory);
        File.SetUnixFileMode(path, OwnerOnlyDirectory);
    }

    /// <summary>Takes files another component created with the default umask (SQLite's database, WAL and shared memory) down to 0600.</summary>
    public static void MakeOwnerOnly(params string[] files)
    {
        foreach (var file in files)
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, OwnerOnlyFile);
            }
        }
    }
}
