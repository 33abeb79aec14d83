using System.Formats.Tar;
using Axolotl.Images.Snapshots;
using static Axolotl.Images.Tests.Snapshots.LayerTars;

namespace Axolotl.Images.Tests.Snapshots;

/// <summary>
/// Issue 31, attack 2 and its siblings: a layer never reads or writes the host through a symlink of
/// the image, whichever layer the symlink is in. Each test keeps a host directory beside the store
/// with a secret file and checks it is neither copied into the image nor changed.
/// </summary>
public sealed class HostileLayerTests : IDisposable
{
    private const string Secret = "host secret, never in an image";
    private readonly string _dir = Directory.CreateTempSubdirectory("axl-hostile-").FullName;
    private readonly string _outside;
    private readonly SnapshotStore _store;

    public HostileLayerTests()
    {
        _outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret"), Secret);
        File.SetUnixFileMode(Path.Combine(_outside, "secret"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(_outside, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _store = new SnapshotStore(Path.Combine(_dir, "snapshots"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_hardlink_through_a_lower_layers_symlink_to_the_host_is_refused()
    {
        var lower = Tar(new Entry("x", TarEntryType.SymbolicLink, Link: _outside));
        var upper = Tar(new Entry("leak", TarEntryType.HardLink, Link: "x/secret"));

        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.PrepareAsync([Layer(lower), Layer(upper)], CancellationToken.None));

        Assert.Contains("invalid hardlink \"leak\" -> \"x/secret\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
        AssertNothingLeaked();
    }

    [Fact]
    public async Task A_hardlink_through_a_symlink_of_the_same_layer_is_refused()
    {
        var layer = Tar(
            new Entry("x", TarEntryType.SymbolicLink, Link: _outside),
            new Entry("leak", TarEntryType.HardLink, Link: "x/secret"));

        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.PrepareAsync([Layer(layer)], CancellationToken.None));

        Assert.Contains("invalid hardlink", e.Message, StringComparison.Ordinal);
        AssertNothingLeaked();
    }

    [Fact]
    public async Task A_hardlink_through_a_relative_symlink_that_climbs_out_is_refused()
    {
        var lower = Tar(new Entry("usr/up", TarEntryType.SymbolicLink, Link: "../../../../../../../.." + _outside));
        var upper = Tar(new Entry("leak", TarEntryType.HardLink, Link: "usr/up/secret"));

        await Assert.ThrowsAsync<LayerUnpackException>(() => _store.PrepareAsync([Layer(lower), Layer(upper)], CancellationToken.None));
        AssertNothingLeaked();
    }

    [Fact]
    public async Task A_lower_symlink_under_a_directory_of_a_higher_layer_is_not_followed_on_the_host()
    {
        // Layer 2's directory a/ hides layer 1's symlink a: looking below it must not walk a -> the host.
        var first = Tar(new Entry("a", TarEntryType.SymbolicLink, Link: _outside));
        var second = Tar(new Entry("a/", TarEntryType.Directory, Mode: 0x1ED));
        var third = Tar(
            new Entry("leak", TarEntryType.HardLink, Link: "a/secret"));

        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.PrepareAsync([Layer(first), Layer(second), Layer(third)], CancellationToken.None));

        Assert.Contains("not a file of the image", e.Message, StringComparison.Ordinal);
        AssertNothingLeaked();
    }

    [Fact]
    public async Task A_parent_missing_from_a_higher_layer_is_not_looked_up_through_a_lower_symlink()
    {
        // a/sub/file: a is a directory of layer 2, but a/sub's lookup must not reach layer 1's a -> host.
        var first = Tar(new Entry("a", TarEntryType.SymbolicLink, Link: _dir));
        var second = Tar(new Entry("a/", TarEntryType.Directory, Mode: 0x1ED));
        var third = Tar(new Entry("a/outside/new", Text: "new"));

        var layers = await _store.PrepareAsync([Layer(first), Layer(second), Layer(third)], CancellationToken.None);

        Assert.Equal("new", await File.ReadAllTextAsync(Path.Combine(layers[2], "a", "outside", "new")));
        // Made as a plain directory, not with the host directory's owner and mode 0700.
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(layers[2], "a", "outside")));
        AssertNothingLeaked();
    }

    [Fact]
    public async Task Absolute_and_dotdot_hardlink_targets_stay_inside_the_image()
    {
        var image = Tar(
            new Entry("etc/hostname", Text: "image's own"),
            new Entry("absolute", TarEntryType.HardLink, Link: "/etc/hostname"),
            new Entry("dotdot", TarEntryType.HardLink, Link: "../../../etc/hostname"));
        var fs = (await _store.PrepareAsync([Layer(image)], CancellationToken.None))[0];
        Assert.Equal("image's own", await File.ReadAllTextAsync(Path.Combine(fs, "absolute")));
        Assert.Equal("image's own", await File.ReadAllTextAsync(Path.Combine(fs, "dotdot")));

        var escaping = Tar(new Entry("leak", TarEntryType.HardLink, Link: "../../../../../../.." + _outside + "/secret"));
        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.PrepareAsync([Layer(escaping)], CancellationToken.None));
        Assert.Contains("invalid hardlink", e.Message, StringComparison.Ordinal);
        AssertNothingLeaked();
    }

    [Fact]
    public async Task Files_under_a_symlinked_parent_of_a_lower_layer_land_inside_the_image()
    {
        var lower = Tar(
            new Entry("d", TarEntryType.SymbolicLink, Link: _outside),
            new Entry("chain", TarEntryType.SymbolicLink, Link: "d"));
        var upper = Tar(
            new Entry("d/written", Text: "through d"),
            new Entry("chain/chained", Text: "through chain"),
            new Entry("d/secret", Text: "overwrite attempt"));

        var layers = await _store.PrepareAsync([Layer(lower), Layer(upper)], CancellationToken.None);

        var inside = Path.Combine(layers[1], _outside.TrimStart('/'));
        Assert.Equal("through d", await File.ReadAllTextAsync(Path.Combine(inside, "written")));
        Assert.Equal("through chain", await File.ReadAllTextAsync(Path.Combine(inside, "chained")));
        Assert.Equal("overwrite attempt", await File.ReadAllTextAsync(Path.Combine(inside, "secret")));
        AssertNothingLeaked();
    }

    [Fact]
    public async Task Modes_owners_and_times_of_an_entry_replacing_a_symlink_never_reach_its_target()
    {
        var before = File.GetLastWriteTimeUtc(Path.Combine(_outside, "secret"));
        var layer = Tar(
            new Entry("file", TarEntryType.SymbolicLink, Link: _outside + "/secret"),
            new Entry("file", Text: "replaced", Mode: 0x1FF, Uid: 1234, Gid: 1234),
            new Entry("dir", TarEntryType.SymbolicLink, Link: _outside),
            new Entry("dir/", TarEntryType.Directory, Mode: 0x1FF, Uid: 1234, Gid: 1234),
            new Entry("pipe", TarEntryType.SymbolicLink, Link: _outside + "/secret"),
            new Entry("pipe", TarEntryType.Fifo, Mode: 0x1B6, Uid: 1234),
            new Entry("link", TarEntryType.SymbolicLink, Link: _outside + "/secret", Uid: 1234, Gid: 1234));

        var fs = (await _store.PrepareAsync([Layer(layer)], CancellationToken.None))[0];

        Assert.Equal("replaced", await File.ReadAllTextAsync(Path.Combine(fs, "file")));
        Assert.Null(new FileInfo(Path.Combine(fs, "file")).LinkTarget);
        Assert.Null(new DirectoryInfo(Path.Combine(fs, "dir")).LinkTarget);
        Assert.Equal((UnixFileMode)0x1FF, File.GetUnixFileMode(Path.Combine(fs, "dir")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_outside));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_outside, "secret")));
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(_outside, "secret")));
        Assert.Equal("0 0", Stat("%u %g", Path.Combine(_outside, "secret")));
        Assert.Equal("fifo", Stat("%F", Path.Combine(fs, "pipe")));
        AssertNothingLeaked();
    }

    [Theory]
    [InlineData(".wh...")]
    [InlineData("sub/.wh..")]
    [InlineData("sub/.wh.")]
    public async Task A_whiteout_that_names_its_parent_is_refused(string name)
    {
        var layer = Tar(new Entry("sub/keep", Text: "keep"), new Entry(name, Text: ""));

        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.PrepareAsync([Layer(layer)], CancellationToken.None));

        Assert.Contains("escapes from its parent", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root));
        AssertNothingLeaked();
    }

    [Fact]
    public async Task Hardlinks_to_a_lower_file_are_copied_and_devices_are_not_made()
    {
        var lower = Tar(new Entry("bin/tool", Text: "tool", Mode: 0x1ED, Uid: 7, Gid: 8));
        var upper = Tar(
            new Entry("bin/again", TarEntryType.HardLink, Link: "bin/tool"),
            new Entry("dev/kmsg", TarEntryType.CharacterDevice),
            new Entry("dev/sda", TarEntryType.BlockDevice));

        var layers = await _store.PrepareAsync([Layer(lower), Layer(upper)], CancellationToken.None);

        Assert.Equal("tool", await File.ReadAllTextAsync(Path.Combine(layers[1], "bin", "again")));
        Assert.Equal("7 8 755", Stat("%u %g %a", Path.Combine(layers[1], "bin", "again")));
        Assert.False(Path.Exists(Path.Combine(layers[1], "dev", "kmsg")));
        Assert.False(Path.Exists(Path.Combine(layers[1], "dev", "sda")));
    }

    private void AssertNothingLeaked()
    {
        Assert.Equal(Secret, File.ReadAllText(Path.Combine(_outside, "secret")));
        Assert.Equal(["secret"], Directory.EnumerateFileSystemEntries(_outside).Select(Path.GetFileName));
        if (!Directory.Exists(_store.Root))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(_store.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            // A copy of the secret has its length; a fifo has none, and reading one would block.
            if (new FileInfo(file).Length is > 0 and < 4096)
            {
                Assert.DoesNotContain(Secret, File.ReadAllText(file), StringComparison.Ordinal);
            }
        }
    }

    private static string Stat(string format, string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("stat") { RedirectStandardOutput = true, ArgumentList = { "-c", format, path } };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }
}
