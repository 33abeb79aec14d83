using System.Text;
using Axolotl.Agent.Volumes;
using Axolotl.Testing;

namespace Axolotl.Agent.Tests.Volumes;

public sealed class AtomicWriterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "axolotl-atomic-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567));

    private string Target => Path.Combine(_root, "volume");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static ProjectedFile File(string path, string content, int mode = 420) => new(path, Encoding.UTF8.GetBytes(content), mode);

    private string DataTarget() => new FileInfo(Path.Combine(Target, "..data")).LinkTarget!;

    private string[] HiddenDirs() =>
        [.. Directory.EnumerateDirectories(Target, "..*", new EnumerationOptions { AttributesToSkip = 0 })
            .Where(d => new DirectoryInfo(d).LinkTarget is null)
            .Select(d => Path.GetFileName(d))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void Files_live_in_a_timestamped_directory_behind_data_and_top_level_symlinks()
    {
        Assert.True(AtomicWriter.Write(Target, [File("mode", "fast", 256), File("conf/app.yaml", "a: 1")], _time));

        Assert.Equal("..2025_03_04_05_06_07.123456700", DataTarget());
        Assert.Equal(Path.Combine("..data", "mode"), new FileInfo(Path.Combine(Target, "mode")).LinkTarget);
        Assert.Equal(Path.Combine("..data", "conf"), new DirectoryInfo(Path.Combine(Target, "conf")).LinkTarget);
        Assert.Equal("fast", System.IO.File.ReadAllText(Path.Combine(Target, "mode")));
        Assert.Equal("a: 1", System.IO.File.ReadAllText(Path.Combine(Target, "conf", "app.yaml")));
        Assert.Equal(UnixFileMode.UserRead, System.IO.File.GetUnixFileMode(Path.Combine(Target, DataTarget(), "mode")));
        Assert.Equal((UnixFileMode)420, System.IO.File.GetUnixFileMode(Path.Combine(Target, DataTarget(), "conf", "app.yaml")));
        Assert.Equal((UnixFileMode)493, System.IO.File.GetUnixFileMode(Path.Combine(Target, DataTarget(), "conf")));
        Assert.Equal((UnixFileMode)493, System.IO.File.GetUnixFileMode(Path.Combine(Target, DataTarget())));
        Assert.False(Path.Exists(Path.Combine(Target, "..data_tmp")));
    }

    [Fact]
    public void Unchanged_content_is_not_written_again()
    {
        AtomicWriter.Write(Target, [File("a", "1"), File("d/b", "2")], _time);
        var first = DataTarget();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.False(AtomicWriter.Write(Target, [File("d/b", "2"), File("a", "1")], _time));

        Assert.Equal(first, DataTarget());
        Assert.Equal([first], HiddenDirs());
    }

    [Fact]
    public void A_changed_mode_alone_is_a_change()
    {
        AtomicWriter.Write(Target, [File("a", "1")], _time);

        Assert.True(AtomicWriter.Write(Target, [File("a", "1", 256)], _time));

        Assert.Equal(UnixFileMode.UserRead, System.IO.File.GetUnixFileMode(Path.Combine(Target, DataTarget(), "a")));
    }

    [Fact]
    public void An_update_swaps_data_removes_vanished_keys_and_the_old_directory()
    {
        AtomicWriter.Write(Target, [File("keep", "old"), File("gone", "x"), File("dir/f", "y")], _time);
        var first = DataTarget();

        // Same clock reading: the new directory still gets a name of its own.
        Assert.True(AtomicWriter.Write(Target, [File("keep", "new"), File("added", "z")], _time));

        Assert.NotEqual(first, DataTarget());
        Assert.Equal([DataTarget()], HiddenDirs());
        Assert.Equal("new", System.IO.File.ReadAllText(Path.Combine(Target, "keep")));
        Assert.Equal("z", System.IO.File.ReadAllText(Path.Combine(Target, "added")));
        Assert.False(Path.Exists(Path.Combine(Target, "gone")));
        Assert.Null(new FileInfo(Path.Combine(Target, "gone")).LinkTarget);
        Assert.Null(new FileInfo(Path.Combine(Target, "dir")).LinkTarget);
        var visible = Directory.EnumerateFileSystemEntries(Target).Select(e => Path.GetFileName(e)).Where(n => !n.StartsWith("..", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(["added", "keep"], visible);
    }

    [Fact]
    public void An_empty_payload_still_gets_a_data_directory()
    {
        Assert.True(AtomicWriter.Write(Target, [], _time));

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Target, "..data")));
        Assert.False(AtomicWriter.Write(Target, [], _time));
    }

    [Fact]
    public void Paths_outside_the_volume_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => AtomicWriter.Write(Target, [File("../x", "1")], _time));
        Assert.Throws<ArgumentException>(() => AtomicWriter.Write(Target, [File("/x", "1")], _time));
    }
}
