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
}
