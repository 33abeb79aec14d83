namespace Axolotl.Architecture.Tests;

/// <summary>The repository's product sources as text: the files the rules are checked on.</summary>
public static class SourceTree
{
    private static readonly string[] Skipped = ["bin", "obj", "node_modules", "dist"];

    public static string Root { get; } = FindRoot();

    public static string Src => Path.Combine(Root, "src");

    /// <summary>Each project folder under src/ (the folder name is the project name).</summary>
    public static IEnumerable<string> Projects() =>
        Directory.GetDirectories(Src).Where(d => Directory.GetFiles(d, "*.csproj").Length > 0).Order(StringComparer.Ordinal);

    /// <summary>Files under <paramref name="folder"/> with the extension, build output left out.</summary>
    public static IEnumerable<string> Files(string folder, string extension)
    {
        foreach (var file in Directory.GetFiles(folder, "*" + extension))
        {
            yield return file;
        }
        foreach (var sub in Directory.GetDirectories(folder))
        {
            if (Skipped.Contains(Path.GetFileName(sub), StringComparer.Ordinal))
            {
                continue;
            }
            foreach (var file in Files(sub, extension))
            {
                yield return file;
            }
        }
    }

    public static string Relative(string path) => Path.GetRelativePath(Root, path);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Axolotl.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Axolotl.slnx above {AppContext.BaseDirectory}");
    }
}
