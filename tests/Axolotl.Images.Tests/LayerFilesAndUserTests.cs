using System.Diagnostics;
using Axolotl.Images;

namespace Axolotl.Images.Tests;

public sealed class LayerFilesAndUserTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("axl-layerfiles-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Layer(string name, params (string Path, string Text)[] files)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
            File.WriteAllText(Path.Combine(dir, path), text);
        }

        return dir;
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(file, args);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n";
    private const string Group = "root:x:0:root\nwheel:x:10:root,app\napp:x:1001:\naudio:x:29:app\nstaff:x:50:\n";

    [Fact]
    public void The_top_most_layer_wins_and_a_whiteout_hides_the_lower_file()
    {
        var lower = Layer("l1", ("etc/passwd", "lower"), ("etc/group", "lower group"));
        var upper = Layer("l2", ("etc/passwd", "upper"));
        Assert.Equal("upper", LayerFiles.ReadText([lower, upper], "etc/passwd"));
        Assert.Equal("lower group", LayerFiles.ReadText([lower, upper], "etc/group"));

        var hiding = Layer("l3");
        Directory.CreateDirectory(Path.Combine(hiding, "etc"));
        Run("mknod", Path.Combine(hiding, "etc", "group"), "c", "0", "0");
        Assert.Null(LayerFiles.ReadText([lower, upper, hiding], "etc/group"));
        Assert.Equal("upper", LayerFiles.ReadText([lower, upper, hiding], "etc/passwd"));
    }

    [Fact]
    public void An_opaque_directory_hides_everything_below_it()
    {
        var lower = Layer("l1", ("etc/passwd", "lower"));
        var upper = Layer("l2", ("etc/other", "x"));
        Run("python3", "-c", "import os, sys; os.setxattr(sys.argv[1], 'trusted.overlay.opaque', b'y')", Path.Combine(upper, "etc"));
        Assert.Null(LayerFiles.ReadText([lower, upper], "etc/passwd"));
    }

    [Fact]
    public void A_symlinked_file_or_directory_is_not_followed_out_of_the_image()
    {
        var layer = Layer("l1");
        Directory.CreateDirectory(Path.Combine(layer, "etc"));
        File.CreateSymbolicLink(Path.Combine(layer, "etc", "passwd"), "/etc/passwd");
        Assert.Null(LayerFiles.ReadText([layer], "etc/passwd"));
        var other = Layer("l2");
        Directory.CreateSymbolicLink(Path.Combine(other, "etc"), "/etc");
        Assert.Null(LayerFiles.ReadText([other], "etc/passwd"));
    }

    [Theory]
    [InlineData(null, 0, 0, new long[] { 0, 10 })]
    [InlineData("", 0, 0, new long[] { 0, 10 })]
    [InlineData("app", 1000, 1001, new long[] { 1001, 10, 29 })]
    [InlineData("1000", 1000, 1001, new long[] { 1001, 10, 29 })]
    [InlineData("4242", 4242, 0, new long[] { 0 })]
    [InlineData("app:staff", 1000, 50, new long[] { 50, 10, 29 })]
    [InlineData("1000:7", 1000, 7, new long[] { 7, 10, 29 })]
    [InlineData("nobody", 65534, 65534, new long[] { 65534 })]
    public void Users_resolve_in_the_images_own_passwd_and_group(string? user, long uid, long gid, long[] groups)
    {
        var layer = Layer("l1", ("etc/passwd", Passwd), ("etc/group", Group));
        var resolved = ImageUser.Resolve(user, [layer]);
        Assert.Equal((uid, gid), (resolved.Uid, resolved.Gid));
        Assert.Equal(groups, resolved.SupplementaryGroups);
    }

    [Fact]
    public void Unknown_names_fail_with_runcs_wording_and_a_numeric_user_needs_no_passwd()
    {
        var layer = Layer("l1", ("etc/passwd", Passwd), ("etc/group", Group));
        Assert.Equal("unable to find user ghost: no matching entries in passwd file", Assert.Throws<ImageUserException>(() => ImageUser.Resolve("ghost", [layer])).Message);
        Assert.Equal("unable to find group ghosts: no matching entries in group file", Assert.Throws<ImageUserException>(() => ImageUser.Resolve("app:ghosts", [layer])).Message);
        var empty = Layer("empty");
        var numeric = ImageUser.Resolve("1000", [empty]);
        Assert.Equal((1000L, 0L), (numeric.Uid, numeric.Gid));
        Assert.Equal([0L], numeric.SupplementaryGroups);
        Assert.Throws<ImageUserException>(() => ImageUser.Resolve("app", [empty]));
    }
}
