using System.Runtime.InteropServices;
using Axolotl.Agent.Volumes.Confined;

namespace Axolotl.Agent.Tests.Volumes;

/// <summary>
/// The walk that resolves a subPath inside a pod-writable volume: links that stay inside are
/// followed, ".." and absolute links out are refused, nothing is created through a link, and a pod
/// swapping a directory for a symlink to the node's files while the walk runs never gets it outside.
/// </summary>
public sealed class VolumePathTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-volumepath-").FullName;

    public VolumePathTests()
    {
        Directory.CreateDirectory(Volume);
        Directory.CreateDirectory(Outside);
        Directory.CreateDirectory(Path.Combine(Volume, "real", "deep"));
        File.WriteAllText(Path.Combine(Volume, "real", "file"), "inside");
        File.WriteAllText(Path.Combine(Outside, "secret"), "outside");
    }

    private string Volume => Path.Combine(_dir, "volume");

    private string Outside => Path.Combine(_dir, "outside");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("real/file", "real/file")]
    [InlineData("rel-link/file", "real/file")]
    [InlineData("real/deep/../file", "real/file")]
    [InlineData("up-and-in/file", "real/file")]
    [InlineData("chain", "real/file")]
    [InlineData(".", "")]
    public void Links_and_dot_dot_that_stay_inside_the_volume_are_followed(string path, string expected)
    {
        File.CreateSymbolicLink(Path.Combine(Volume, "rel-link"), "real");
        File.CreateSymbolicLink(Path.Combine(Volume, "real", "deep", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(Volume, "up-and-in"), "real/deep/up");
        File.CreateSymbolicLink(Path.Combine(Volume, "chain"), "rel-link/file");

        using var resolved = VolumePath.Open(Volume, path);

        Assert.Equal(expected, resolved.Relative);
        Assert.Equal(Inode(Path.Combine(Volume, expected)), Descriptors.Status(resolved.Handle).Inode);
    }

    [Fact]
    public void An_absolute_link_that_names_the_volume_by_its_node_path_stays_inside()
    {
        File.CreateSymbolicLink(Path.Combine(Volume, "by-node-path"), Path.Combine(Volume, "real"));

        using var resolved = VolumePath.Open(Volume, "by-node-path/file");

        Assert.Equal("real/file", resolved.Relative);
    }

    [Theory]
    [InlineData("to-root")]
    [InlineData("to-root/etc/hostname")]
    [InlineData("to-outside/secret")]
    [InlineData("dot-dot-out/secret")]
    [InlineData("real/../../outside/secret")]
    [InlineData("real/deep/up-too-far/outside")]
    public void Links_and_dot_dot_that_leave_the_volume_are_refused(string path)
    {
        File.CreateSymbolicLink(Path.Combine(Volume, "to-root"), "/");
        File.CreateSymbolicLink(Path.Combine(Volume, "to-outside"), Outside);
        File.CreateSymbolicLink(Path.Combine(Volume, "dot-dot-out"), "../outside");
        File.CreateSymbolicLink(Path.Combine(Volume, "real", "deep", "up-too-far"), "../../..");

        Assert.Throws<PathOutsideVolumeException>(() => VolumePath.Open(Volume, path));
        Assert.Equal(["secret"], Directory.GetFileSystemEntries(Outside).Select(Path.GetFileName));
    }

    [Fact]
    public void A_missing_path_is_made_inside_with_the_mode_asked_for_and_never_through_a_link()
    {
        File.CreateSymbolicLink(Path.Combine(Volume, "link-out"), Outside);
        File.CreateSymbolicLink(Path.Combine(Volume, "dangling"), "made-by-link");
        var mode = (UnixFileMode)0b111_111_111;

        using (var made = VolumePath.Open(Volume, "new/sub", mode))
        {
            Assert.Equal("new/sub", made.Relative);
        }
        using (var viaLink = VolumePath.Open(Volume, "dangling/x", mode))
        {
            Assert.Equal("made-by-link/x", viaLink.Relative);
        }

        Assert.Equal(mode, File.GetUnixFileMode(Path.Combine(Volume, "new", "sub")));
        Assert.Throws<PathOutsideVolumeException>(() => VolumePath.Open(Volume, "link-out/created", mode));
        Assert.Throws<FileNotFoundException>(() => VolumePath.Open(Volume, "missing"));
        Assert.False(Directory.Exists(Path.Combine(Outside, "created")), "a directory was made outside the volume");
    }

    [Fact]
    public void A_directory_swapped_for_a_link_out_while_the_walk_runs_never_resolves_outside()
    {
        // The attack of CVE-2021-25741: "d" is a directory or a symlink to "/" (here: to a directory
        // outside), exchanged atomically as fast as a thread can.
        var swapIn = Path.Combine(Volume, "swap");
        Directory.CreateDirectory(Path.Combine(Volume, "d"));
        File.CreateSymbolicLink(swapIn, Outside);
        var insideInode = Inode(Path.Combine(Volume, "d"));
        var outsideInode = Inode(Outside);
        using var stop = new CancellationTokenSource();
        var swaps = 0;
        var swapper = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (RenameAt2(-100, Path.Combine(Volume, "d"), -100, swapIn, 2 /* RENAME_EXCHANGE */) == 0)
                {
                    swaps++;
                }
            }
        });
        swapper.Start();
        int inside = 0, refused = 0;
        try
        {
            for (var i = 0; i < 20_000 && (inside == 0 || refused == 0 || i < 2_000); i++)
            {
                try
                {
                    using var resolved = VolumePath.Open(Volume, "d");
                    var inode = Descriptors.Status(resolved.Handle).Inode;
                    Assert.NotEqual(outsideInode, inode);
                    Assert.Equal(insideInode, inode);
                    inside++;
                }
                catch (PathOutsideVolumeException)
                {
                    refused++;
                }
                catch (FileNotFoundException)
                {
                    // The name was away for an instant: not outside either.
                }
            }
        }
        finally
        {
            stop.Cancel();
            swapper.Join();
        }

        Assert.True(swaps > 100, $"the swapper made {swaps} swaps");
        Assert.True(inside > 0 && refused > 0, $"both sides of the race were seen: {inside} inside, {refused} refused");
    }

    private static ulong Inode(string path)
    {
        using var parent = Descriptors.OpenDirectory(Path.GetDirectoryName(path)!);
        using var handle = Descriptors.OpenNoFollow(parent, Path.GetFileName(path), out var errno) ?? throw new IOException($"open {path}: errno {errno}");
        return Descriptors.Status(handle).Inode;
    }

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath, int newdirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, uint flags);
}
