namespace Axolotl.E2E.Tests.Harness;

public static class RepoPaths
{
    /// <summary>The repository root: the folder holding the ./axolotl script.</summary>
    public static string Root { get; } = FindRoot();

    public static string AxolotlScript => Path.Combine(Root, "axolotl");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Axolotl.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Axolotl.slnx) above " + AppContext.BaseDirectory);
    }
}
