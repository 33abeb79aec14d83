using Axolotl.Agent.Pods;
using Axolotl.Agent.Volumes;
using Axolotl.Api.Core;
using Axolotl.Runtime;

namespace Axolotl.Agent.Tests.Volumes;

public sealed class ContainerMountsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("axolotl-mounts-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Mount_paths_are_cleaned_and_parents_come_before_children()
    {
        var volumes = new Dictionary<string, MountedVolume> { ["a"] = new(_root, Projected: false), ["b"] = new(_root, Projected: true) };
        var container = new Container
        {
            Name = "app",
            VolumeMounts = [new VolumeMount { Name = "b", MountPath = "/data/inner/" }, new VolumeMount { Name = "a", MountPath = "data//", ReadOnly = true }],
        };

        var mounts = ContainerMounts.For(container, volumes, new Dictionary<string, string>());

        Assert.Equal([new ContainerMount(_root, "/data", true), new ContainerMount(_root, "/data/inner", true)], mounts);
    }

    [Fact]
    public void A_missing_subPath_is_made_in_a_writable_volume_and_subPathExpr_uses_the_environment()
    {
        var volumes = new Dictionary<string, MountedVolume> { ["logs"] = new(_root, Projected: false) };
        var container = new Container { Name = "app", VolumeMounts = [new VolumeMount { Name = "logs", MountPath = "/logs", SubPathExpr = "$(POD_NAME)/out" }] };

        var mounts = ContainerMounts.For(container, volumes, new Dictionary<string, string> { ["POD_NAME"] = "web-1" });

        // The volume and the path inside it, split by the marker the launcher opens it by.
        Assert.Equal(_root + "/./web-1/out", mounts.Single().Source);
        Assert.True(Directory.Exists(Path.Combine(_root, "web-1", "out")));
        // The kubelet's mode for a missing subPath: the volume root's, whatever the umask.
        Assert.Equal(File.GetUnixFileMode(_root), File.GetUnixFileMode(Path.Combine(_root, "web-1", "out")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc")]
    [InlineData("link-out")]
    [InlineData("link-out/passwd")]
    [InlineData("dot-dot-out")]
    [InlineData("no-such-key")]
    public void A_subPath_that_leaves_the_volume_or_is_missing_from_a_content_volume_is_a_config_error(string subPath)
    {
        File.CreateSymbolicLink(Path.Combine(_root, "link-out"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_root, "dot-dot-out"), "..");
        var volumes = new Dictionary<string, MountedVolume> { ["config"] = new(_root, Projected: true) };
        var container = new Container { Name = "app", VolumeMounts = [new VolumeMount { Name = "config", MountPath = "/c", SubPath = subPath }] };

        var error = Assert.Throws<ContainerConfigException>(() => ContainerMounts.For(container, volumes, new Dictionary<string, string>()));

        Assert.StartsWith("failed to prepare subPath for volumeMount \"config\" of container \"app\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subPath_naming_a_key_of_a_content_volume_follows_its_link_inside_the_volume()
    {
        Directory.CreateDirectory(Path.Combine(_root, "..data"));
        File.WriteAllText(Path.Combine(_root, "..data", "app.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(_root, "app.json"), "..data/app.json");
        var volumes = new Dictionary<string, MountedVolume> { ["config"] = new(_root, Projected: true) };
        var container = new Container { Name = "app", VolumeMounts = [new VolumeMount { Name = "config", MountPath = "/etc/app.json", SubPath = "app.json" }] };

        var mount = ContainerMounts.For(container, volumes, new Dictionary<string, string>()).Single();

        // Resolved to the file itself, as the kubelet mounts it: the launcher then follows no link.
        Assert.Equal(new ContainerMount(_root + "/./..data/app.json", "/etc/app.json", true), mount);
    }

    [Fact]
    public void A_link_out_of_a_writable_volume_is_refused_and_nothing_is_made_through_it()
    {
        var outside = Directory.CreateTempSubdirectory("axolotl-mounts-outside-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(_root, "data"), outside);
            var volumes = new Dictionary<string, MountedVolume> { ["scratch"] = new(_root, Projected: false) };
            var container = new Container { Name = "app", VolumeMounts = [new VolumeMount { Name = "scratch", MountPath = "/s", SubPath = "data/new" }] };

            var error = Assert.Throws<ContainerConfigException>(() => ContainerMounts.For(container, volumes, new Dictionary<string, string>()));

            Assert.Equal("failed to prepare subPath for volumeMount \"scratch\" of container \"app\": data/new leads outside the volume", error.Message);
            Assert.Empty(Directory.GetFileSystemEntries(outside));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
