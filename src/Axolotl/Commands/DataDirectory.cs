namespace Axolotl.Commands;

public static class DataDirectory
{
    /// <summary>$XDG_DATA_HOME/axolotl, else ~/.local/share/axolotl.</summary>
    public static string Default()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "axolotl");
    }
}
