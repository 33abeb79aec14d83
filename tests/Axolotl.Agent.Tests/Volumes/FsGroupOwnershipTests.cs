using Axolotl.Agent.Volumes;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Agent.Tests.Volumes;

/// <summary>fsGroup on real directories (the tests run as root, as the agent does).</summary>
public sealed class FsGroupOwnershipTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("axl-fsgroup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Pod PodWith(long fsGroup, string? policy = null) => new()
    {
        Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
        Spec = new PodSpec
        {
            SecurityContext = new PodSecurityContext { FsGroup = fsGroup, FsGroupChangePolicy = policy },
            Volumes = [new Volume { Name = "data", EmptyDir = new EmptyDirVolumeSource() }, new Volume { Name = "host", HostPath = new HostPathVolumeSource { Path = "/" } }],
            Containers = [],
        },
    };

    private static (uint Gid, int Mode) Stat(string path)
    {
        var status = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%g %a", path]) { RedirectStandardOutput = true })!;
        var parts = status.StandardOutput.ReadToEnd().Trim().Split(' ');
        status.WaitForExit();
        return (uint.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(parts[1], 8));
    }

    [Fact]
    public void An_emptyDir_gets_the_group_group_write_and_setgid_on_directories()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        File.WriteAllText(Path.Combine(dir, "f"), "x");
        File.SetUnixFileMode(Path.Combine(dir, "f"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1C0); // 0700
        FsGroupOwnership.Apply(PodWith(2345), new Dictionary<string, MountedVolume>(), new Dictionary<string, MountedVolume> { ["data"] = new(dir, Projected: false) });
        Assert.Equal((2345u, Convert.ToInt32("2770", 8)), Stat(dir));
        Assert.Equal((2345u, Convert.ToInt32("660", 8)), Stat(Path.Combine(dir, "f")));
    }

    [Fact]
    public void OnRootMismatch_leaves_a_volume_whose_root_already_matches()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        FsGroupOwnership.Apply(PodWith(2345), new Dictionary<string, MountedVolume>(), new Dictionary<string, MountedVolume> { ["data"] = new(dir, Projected: false) });
        var file = Path.Combine(dir, "later");
        File.WriteAllText(file, "x");
        File.SetUnixFileMode(file, UnixFileMode.UserRead);
        FsGroupOwnership.Apply(PodWith(2345, "OnRootMismatch"), new Dictionary<string, MountedVolume>(), new Dictionary<string, MountedVolume> { ["data"] = new(dir, Projected: false) });
        Assert.Equal(Convert.ToInt32("400", 8), Stat(file).Mode);
        FsGroupOwnership.Apply(PodWith(2345, "Always"), new Dictionary<string, MountedVolume>(), new Dictionary<string, MountedVolume> { ["data"] = new(dir, Projected: false) });
        Assert.Equal(Convert.ToInt32("660", 8), Stat(file).Mode);
    }

    [Fact]
    public void A_directory_the_pod_swaps_for_a_link_to_node_files_during_the_walk_leaves_those_files_alone()
    {
        // The pod exchanges its directory "d" with a symlink to node files of the same names while the
        // agent, as root, walks the volume: a walk by paths would chown and chmod the node's files.
        var dir = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        var node = Directory.CreateDirectory(Path.Combine(_root, "node-files")).FullName;
        Directory.CreateDirectory(Path.Combine(dir, "d"));
        for (var i = 0; i < 100; i++)
        {
            File.WriteAllText(Path.Combine(dir, "d", $"f{i}"), "pod");
            File.WriteAllText(Path.Combine(node, $"f{i}"), "node");
            File.SetUnixFileMode(Path.Combine(node, $"f{i}"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.CreateSymbolicLink(Path.Combine(dir, "swap"), node);
        File.SetUnixFileMode(node, (UnixFileMode)0x1C0);
        var volumes = new Dictionary<string, MountedVolume> { ["data"] = new(dir, Projected: false) };
        using var stop = new CancellationTokenSource();
        var swaps = 0;
        var swapper = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (RenameAt2(-100, Path.Combine(dir, "d"), -100, Path.Combine(dir, "swap"), 2 /* RENAME_EXCHANGE */) == 0)
                {
                    swaps++;
                }
            }
        });
        swapper.Start();
        try
        {
            for (var pass = 0; pass < 200; pass++)
            {
                try
                {
                    FsGroupOwnership.Apply(PodWith(2345), new Dictionary<string, MountedVolume>(), volumes);
                }
                catch (VolumeMountException)
                {
                    // A file gone between listing and change: the pass stops, the next one goes on.
                }
            }
        }
        finally
        {
            stop.Cancel();
            swapper.Join();
        }

        Assert.True(swaps > 100, $"the pod made {swaps} swaps");
        Assert.Equal((0u, Convert.ToInt32("700", 8)), Stat(node));
        var changed = Directory.GetFiles(node).Select(f => (Path.GetFileName(f), Stat(f))).Where(f => f.Item2 != (0u, Convert.ToInt32("600", 8))).ToList();
        Assert.Empty(changed);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int olddirfd, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string oldpath, int newdirfd, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string newpath, uint flags);
}
