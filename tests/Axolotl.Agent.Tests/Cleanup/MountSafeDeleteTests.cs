using Axolotl.Agent.Cleanup;

namespace Axolotl.Agent.Tests.Cleanup;

public sealed class MountSafeDeleteTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("axolotl-msd-").FullName;

    [Fact]
    public void A_symlink_inside_is_unlinked_and_what_it_names_stays()
    {
        var outside = Path.Combine(_root, "host");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "precious"), "keep");
        var state = Path.Combine(_root, "state");
        Directory.CreateDirectory(Path.Combine(state, "a", "b"));
        File.WriteAllText(Path.Combine(state, "a", "b", "f"), "x");
        Directory.CreateSymbolicLink(Path.Combine(state, "a", "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(state, "file-escape"), Path.Combine(outside, "precious"));

        MountSafeDelete.Delete(state);

        Assert.False(Directory.Exists(state));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(outside, "precious")));
    }

    [Fact]
    public void A_directory_that_is_itself_a_symlink_is_unlinked_not_emptied()
    {
        var target = Path.Combine(_root, "target");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "precious"), "keep");
        var link = Path.Combine(_root, "link");
        Directory.CreateSymbolicLink(link, target);

        MountSafeDelete.Delete(link);

        Assert.False(Path.Exists(link));
        Assert.True(File.Exists(Path.Combine(target, "precious")));
    }

    [Fact]
    public void A_missing_directory_is_nothing_to_do()
    {
        MountSafeDelete.Delete(Path.Combine(_root, "never"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
