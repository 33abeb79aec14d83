using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>The example folders the scenario tests apply, so each test runs the files a user pastes from.</summary>
internal static class ExampleFiles
{
    public static string Folder(string example) => Path.Combine(RepoPaths.Root, "examples", example);

    /// <summary>A file of an example folder; fails the test when it is missing.</summary>
    public static string File(string example, string file)
    {
        var path = Path.Combine(Folder(example), file);
        Assert.True(System.IO.File.Exists(path), $"missing example file {path}");
        return path;
    }
}
