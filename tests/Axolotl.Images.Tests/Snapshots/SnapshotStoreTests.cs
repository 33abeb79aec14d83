using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Axolotl.Images.Oci;
using Axolotl.Images.Snapshots;
using static Axolotl.Images.Tests.Snapshots.LayerTars;

namespace Axolotl.Images.Tests.Snapshots;

/// <summary>
/// Layers unpacked into snapshots: compression, diff_id checks, overlayfs whiteouts read through a
/// real overlay mount, hostile entries kept inside the layer, parents resolved through lower layers.
/// </summary>
public sealed class SnapshotStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axl-snapshots-").FullName;
    private readonly SnapshotStore _store;

    public SnapshotStoreTests()
    {
        _store = new SnapshotStore(Path.Combine(_dir, "snapshots"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_gzip_layer_unpacks_with_modes_owners_links_and_its_diff_id_checked()
    {
        var tar = Tar(
            new Entry("bin/", TarEntryType.Directory, Mode: 0x1ED),
            new Entry("bin/tool", Text: "#!/bin/sh\n", Mode: 0x9ED /* 04755 */, Uid: 0, Gid: 0),
            new Entry("home/app/", TarEntryType.Directory, Mode: 0x1C0, Uid: 1000, Gid: 1000),
            new Entry("home/app/notes", Text: "hi", Uid: 1000, Gid: 1000),
            new Entry("bin/alias", TarEntryType.SymbolicLink, Link: "tool"),
            new Entry("bin/copy", TarEntryType.HardLink, Link: "bin/tool"),
            new Entry("dev/sda", TarEntryType.BlockDevice));
        var layers = await _store.PrepareAsync([Layer(tar, LayerCompression.Gzip, Gzip(tar))], CancellationToken.None);

        var fs = Assert.Single(layers);
        Assert.Equal("#!/bin/sh\n", await File.ReadAllTextAsync(Path.Combine(fs, "bin", "tool")));
        Assert.True(File.GetUnixFileMode(Path.Combine(fs, "bin", "tool")).HasFlag(UnixFileMode.SetUser), "setuid kept");
        Assert.Equal("tool", new FileInfo(Path.Combine(fs, "bin", "alias")).LinkTarget);
        Assert.Equal((1000, 1000), NativeOwner(Path.Combine(fs, "home", "app", "notes")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(fs, "home", "app")));
        Assert.Equal(2, LinkCount(Path.Combine(fs, "bin", "copy")));
        Assert.False(File.Exists(Path.Combine(fs, "dev", "sda")), "a device node was created");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), File.GetLastWriteTimeUtc(Path.Combine(fs, "bin")));
        Assert.Equal(fs, _store.LayerDirectory(Digests.Of(tar)));
    }

    [Fact]
    public async Task A_zstd_layer_unpacks_through_libzstd()
    {
        var tar = Tar(new Entry("etc/zstd", Text: "compressed with zstd"));
        var input = Path.Combine(_dir, "layer.tar");
        await File.WriteAllBytesAsync(input, tar);
        Run("zstd", "-q", "-19", input, "-o", input + ".zst");
        var layers = await _store.PrepareAsync([Layer(tar, LayerCompression.Zstd, await File.ReadAllBytesAsync(input + ".zst"))], CancellationToken.None);
        Assert.Equal("compressed with zstd", await File.ReadAllTextAsync(Path.Combine(layers[0], "etc", "zstd")));
    }

    [Fact]
    public async Task Content_that_does_not_match_the_diff_id_leaves_nothing()
    {
        var tar = Tar(new Entry("etc/x", Text: "x"));
        var lying = new LayerSource(Digests.Of("other"u8), LayerCompression.None, () => new MemoryStream(tar));
        var e = await Assert.ThrowsAsync<LayerUnpackException>(() => _store.PrepareAsync([lying], CancellationToken.None));
        Assert.Contains("diff_id", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root));

        var truncated = Gzip(tar)[..20];
        await Assert.ThrowsAnyAsync<Exception>(() => _store.PrepareAsync([Layer(tar, LayerCompression.Gzip, truncated)], CancellationToken.None));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root));
    }

    [Fact]
    public async Task Hostile_entries_never_write_outside_the_layer()
    {
        var marker = "axl-escape-" + Guid.NewGuid().ToString("N")[..8];
        var tar = Tar(
            new Entry($"../../../../tmp/{marker}-dotdot", Text: "dotdot"),
            new Entry($"/tmp/{marker}-absolute", Text: "absolute"),
            new Entry("evil", TarEntryType.SymbolicLink, Link: "/tmp"),
            new Entry($"evil/{marker}-through-link", Text: "through"),
            new Entry("up", TarEntryType.SymbolicLink, Link: "../../../../../../tmp"),
            new Entry($"up/{marker}-relative-link", Text: "relative"),
            new Entry("shadow", TarEntryType.HardLink, Link: "../../../../etc/hostname"));
        await Assert.ThrowsAsync<LayerUnpackException>(() => _store.PrepareAsync([Layer(tar)], CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles("/tmp", marker + "*"));

        var safe = Tar(
            new Entry($"../../../../tmp/{marker}-dotdot", Text: "dotdot"),
            new Entry($"/tmp/{marker}-absolute", Text: "absolute"),
            new Entry("evil", TarEntryType.SymbolicLink, Link: "/tmp"),
            new Entry($"evil/{marker}-through-link", Text: "through"),
            new Entry("up", TarEntryType.SymbolicLink, Link: "../../../../../../tmp"),
            new Entry($"up/{marker}-relative-link", Text: "relative"));
        var fs = (await _store.PrepareAsync([Layer(safe)], CancellationToken.None))[0];
        Assert.Empty(Directory.EnumerateFiles("/tmp", marker + "*"));
        Assert.Equal(["absolute", "dotdot", "relative", "through"],
            Directory.EnumerateFiles(Path.Combine(fs, "tmp")).Select(f => File.ReadAllText(f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Whiteouts_and_opaque_directories_hide_lower_content_in_a_real_overlay()
    {
        var lower = Tar(
            new Entry("tmp/", TarEntryType.Directory, Mode: 0x3FF | 0x200 /* 01777 */),
            new Entry("usr/lib/", TarEntryType.Directory, Mode: 0x1ED),
            new Entry("lib", TarEntryType.SymbolicLink, Link: "usr/lib"),
            new Entry("bin/wget", Text: "wget"),
            new Entry("etc/keep", Text: "lower"),
            new Entry("opt/old", Text: "old"));
        var upper = Tar(
            new Entry("bin/.wh.wget"),
            new Entry("opt/.wh..wh..opq"),
            new Entry("opt/new", Text: "new"),
            new Entry("tmp/scratch", Text: "x"),
            new Entry("lib/libnew.so", Text: "so"));
        var layers = await _store.PrepareAsync([Layer(lower), Layer(upper)], CancellationToken.None);

        // A parent this layer lacks takes its lower copy's mode; one behind a lower symlink lands at the link's target.
        Assert.Equal((UnixFileMode)0x3FF | UnixFileMode.StickyBit, File.GetUnixFileMode(Path.Combine(layers[1], "tmp")));
        Assert.True(File.Exists(Path.Combine(layers[1], "usr", "lib", "libnew.so")));
        Assert.False(Directory.Exists(Path.Combine(layers[1], "lib")));

        var merged = Run("unshare", "-m", "sh", "-c",
            $"mkdir -p {_dir}/u {_dir}/w {_dir}/m && mount -t overlay overlay -o lowerdir={layers[1]}:{layers[0]},upperdir={_dir}/u,workdir={_dir}/w {_dir}/m && " +
            $"cd {_dir}/m && echo \"bin=$(ls bin) opt=$(ls opt) keep=$(cat etc/keep) lib=$(cat lib/libnew.so) tmp=$(stat -c %a tmp)\"");
        Assert.Equal("bin= opt=new keep=lower lib=so tmp=1777\n", merged);
    }

    [Fact]
    public async Task Concurrent_prepares_of_one_layer_unpack_it_once_and_leftovers_are_cleared()
    {
        var tar = Tar(new Entry("etc/once", Text: "once"));
        var opened = 0;
        var source = new LayerSource(Digests.Of(tar), LayerCompression.None, () =>
        {
            Interlocked.Increment(ref opened);
            Thread.Sleep(100);
            return new MemoryStream(tar);
        });
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _store.PrepareAsync([source], CancellationToken.None)));
        Assert.Equal(1, opened);

        Directory.CreateDirectory(Path.Combine(_store.Root, "tmp-crashed", "fs"));
        _store.RemoveTemporaries();
        Assert.False(Directory.Exists(Path.Combine(_store.Root, "tmp-crashed")));
        _store.RemoveUnused(new HashSet<string>());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store.Root));
    }

    private static (int, int) NativeOwner(string path)
    {
        var output = Run("stat", "-c", "%u %g", path).Trim().Split(' ');
        return (int.Parse(output[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(output[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static int LinkCount(string path) => int.Parse(Run("stat", "-c", "%h", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file}: {error}");
        return output;
    }
}
