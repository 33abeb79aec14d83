using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>S1's example folder.</summary>
internal static class S1Files
{
    public static string Folder
    {
        get
        {
            var folder = Path.Combine(RepoPaths.Root, "examples", "s1-restart-oom-under-load");
            Assert.True(Directory.Exists(folder), $"missing example folder {folder}");
            return folder;
        }
    }
}
