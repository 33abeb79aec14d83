using System.Text;
using Axolotl.Agent.Pods;
using Axolotl.Agent.Tests.Pods;
using Axolotl.Agent.Volumes;
using Axolotl.Api.Core;
using Axolotl.Api.Resources;

namespace Axolotl.Agent.Tests.Volumes;

public sealed class VolumeContentResolverTests
{
    private static Pod Pod() => new()
    {
        Metadata = new()
        {
            Name = "web-1",
            Namespace = "shop",
            Uid = "uid-1",
            Labels = new() { ["tier"] = "front", ["app"] = "web" },
            Annotations = new() { ["note"] = "say \"hi\"\nbye\\" },
        },
        Spec = new PodSpec
        {
            NodeName = "node-a",
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Resources = new ResourceRequirements
                    {
                        Limits = new() { ["memory"] = Quantity.Parse("128Mi"), ["cpu"] = Quantity.Parse("1500m") },
                        Requests = new() { ["cpu"] = Quantity.Parse("250m") },
                    },
                },
            ],
        },
        Status = new PodStatus { PodIP = "10.244.0.7" },
    };

    private static FakeConfigSource WithAppConfig()
    {
        var source = new FakeConfigSource();
        source.ConfigMaps["app-config"] = new ConfigMap { Data = new() { ["mode"] = "fast", ["level"] = "debug" } };
        return source;
    }

    private static Task<IReadOnlyList<ProjectedFile>> Resolve(FakeConfigSource source, Volume volume) =>
        new VolumeContentResolver(source).ResolveAsync(Pod(), volume, CancellationToken.None);

    private static string Text(ProjectedFile file) => Encoding.UTF8.GetString(file.Content);

    [Fact]
    public async Task Without_items_every_key_becomes_a_file_with_the_default_mode()
    {
        var files = await Resolve(WithAppConfig(), new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "app-config" } });

        Assert.Equal(["level", "mode"], files.Select(f => f.Path));
        Assert.Equal("fast", Text(files[1]));
        Assert.All(files, f => Assert.Equal(420, f.Mode));
    }

    [Fact]
    public async Task Items_select_keys_and_place_them_at_their_path_and_mode()
    {
        var volume = new Volume
        {
            Name = "cfg",
            ConfigMap = new ConfigMapVolumeSource
            {
                Name = "app-config",
                DefaultMode = 256,
                Items = [new KeyToPath { Key = "mode", Path = "conf/mode.txt", Mode = 384 }, new KeyToPath { Key = "level", Path = "./level" }],
            },
        };

        var files = await Resolve(WithAppConfig(), volume);

        Assert.Equal([("conf/mode.txt", "fast", 384), ("level", "debug", 256)], files.Select(f => (f.Path, Text(f), f.Mode)));
    }

    [Fact]
    public async Task An_optional_missing_object_gives_no_files()
    {
        var configMap = new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "nope", Optional = true } };
        var secret = new Volume { Name = "sec", Secret = new SecretVolumeSource { SecretName = "nope", Optional = true } };

        Assert.Empty(await Resolve(new FakeConfigSource(), configMap));
        Assert.Empty(await Resolve(new FakeConfigSource(), secret));
    }

    [Fact]
    public async Task A_missing_object_fails_with_the_kubelets_message()
    {
        var configMap = new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "app-config" } };
        var secret = new Volume { Name = "sec", Secret = new SecretVolumeSource { SecretName = "db" } };

        Assert.Equal("configmap \"app-config\" not found", (await Assert.ThrowsAsync<VolumeSetupException>(() => Resolve(new FakeConfigSource(), configMap))).Message);
        Assert.Equal("secret \"db\" not found", (await Assert.ThrowsAsync<VolumeSetupException>(() => Resolve(new FakeConfigSource(), secret))).Message);
    }

    [Fact]
    public async Task A_missing_key_fails_unless_optional()
    {
        var source = WithAppConfig();
        source.Secrets["db"] = new Secret { Data = new() { ["user"] = "admin"u8.ToArray() } };
        var configMap = new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "app-config", Items = [new KeyToPath { Key = "foo", Path = "foo" }] } };
        var secret = new Volume { Name = "sec", Secret = new SecretVolumeSource { SecretName = "db", Items = [new KeyToPath { Key = "bar", Path = "bar" }] } };
        var optional = new Volume
        {
            Name = "sec",
            Secret = new SecretVolumeSource { SecretName = "db", Optional = true, Items = [new KeyToPath { Key = "bar", Path = "bar" }, new KeyToPath { Key = "user", Path = "u" }] },
        };

        Assert.Equal("configmap references non-existent config key: foo", (await Assert.ThrowsAsync<VolumeSetupException>(() => Resolve(source, configMap))).Message);
        Assert.Equal("references non-existent secret key: bar", (await Assert.ThrowsAsync<VolumeSetupException>(() => Resolve(source, secret))).Message);
        Assert.Equal(["u"], (await Resolve(source, optional)).Select(f => f.Path));
    }

    [Fact]
    public async Task Secret_values_and_binaryData_are_written_as_their_bytes()
    {
        var source = new FakeConfigSource();
        byte[] blob = [0, 1, 0xfe, 0xff];
        source.Secrets["tls"] = new Secret { Data = new() { ["tls.key"] = blob } };
        source.ConfigMaps["bin"] = new ConfigMap { Data = new() { ["a"] = "x" }, BinaryData = new() { ["b.bin"] = blob } };

        var secret = await Resolve(source, new Volume { Name = "s", Secret = new SecretVolumeSource { SecretName = "tls", DefaultMode = 256 } });
        var configMap = await Resolve(source, new Volume { Name = "c", ConfigMap = new ConfigMapVolumeSource { Name = "bin" } });

        Assert.Equal(blob, Assert.Single(secret).Content);
        Assert.Equal(256, secret[0].Mode);
        Assert.Equal(["a", "b.bin"], configMap.Select(f => f.Path));
        Assert.Equal(blob, configMap[1].Content);
    }

    [Fact]
    public async Task DownwardAPI_formats_label_maps_as_the_kubelet_and_scales_resources_by_the_divisor()
    {
        static DownwardAPIVolumeFile Field(string path, string field) => new() { Path = path, FieldRef = new ObjectFieldSelector { FieldPath = field } };
        static DownwardAPIVolumeFile Resource(string path, string resource, string divisor) =>
            new() { Path = path, ResourceFieldRef = new ResourceFieldSelector { ContainerName = "app", Resource = resource, Divisor = Quantity.Parse(divisor) } };
        var volume = new Volume
        {
            Name = "info",
            DownwardAPI = new DownwardAPIVolumeSource
            {
                Items =
                [
                    Field("labels", "metadata.labels"),
                    Field("annotations", "metadata.annotations"),
                    Field("app", "metadata.labels['app']"),
                    Field("name", "metadata.name"),
                    Field("ip", "status.podIP"),
                    Resource("mem", "limits.memory", "1Mi"),
                    Resource("cpu", "limits.cpu", "1"),
                    Resource("cpu-req", "requests.cpu", "1m"),
                ],
            },
        };

        var files = (await Resolve(new FakeConfigSource(), volume)).ToDictionary(f => f.Path, Text);

        Assert.Equal("app=\"web\"\ntier=\"front\"", files["labels"]);
        Assert.Equal("note=\"say \\\"hi\\\"\\nbye\\\\\"", files["annotations"]);
        Assert.Equal("web", files["app"]);
        Assert.Equal("web-1", files["name"]);
        Assert.Equal("10.244.0.7", files["ip"]);
        Assert.Equal("128", files["mem"]);
        Assert.Equal("2", files["cpu"]);
        Assert.Equal("250", files["cpu-req"]);
    }

    [Fact]
    public async Task DownwardAPI_problems_are_reported_together()
    {
        var volume = new Volume
        {
            Name = "info",
            DownwardAPI = new DownwardAPIVolumeSource
            {
                Items =
                [
                    new DownwardAPIVolumeFile { Path = "x", FieldRef = new ObjectFieldSelector { FieldPath = "spec.bogus" } },
                    new DownwardAPIVolumeFile { Path = "y", ResourceFieldRef = new ResourceFieldSelector { ContainerName = "ghost", Resource = "limits.cpu" } },
                ],
            },
        };

        var ex = await Assert.ThrowsAsync<VolumeSetupException>(() => Resolve(new FakeConfigSource(), volume));

        Assert.Equal("[unsupported fieldPath: spec.bogus, container ghost not found]", ex.Message);
    }

    [Fact]
    public async Task Projected_combines_sources_with_its_default_mode_and_skips_optional_missing_ones()
    {
        var source = WithAppConfig();
        source.Secrets["db"] = new Secret { Data = new() { ["password"] = "hunter2"u8.ToArray() } };
        var volume = new Volume
        {
            Name = "all",
            Projected = new ProjectedVolumeSource
            {
                DefaultMode = 288,
                Sources =
                [
                    new VolumeProjection { ConfigMap = new ConfigMapProjection { Name = "app-config", Items = [new KeyToPath { Key = "mode", Path = "config/mode" }] } },
                    new VolumeProjection { Secret = new SecretProjection { Name = "db", Items = [new KeyToPath { Key = "password", Path = "secret/password", Mode = 256 }] } },
                    new VolumeProjection { Secret = new SecretProjection { Name = "absent", Optional = true } },
                    new VolumeProjection { DownwardAPI = new DownwardAPIProjection { Items = [new DownwardAPIVolumeFile { Path = "pod/name", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } }] } },
                ],
            },
        };

        var files = await Resolve(source, volume);

        Assert.Equal(
            [("config/mode", "fast", 288), ("pod/name", "web-1", 288), ("secret/password", "hunter2", 256)],
            files.Select(f => (f.Path, Text(f), f.Mode)));
    }

    [Fact]
    public async Task Projected_errors_are_aggregated_and_tokens_are_refused()
    {
        var volume = new Volume
        {
            Name = "all",
            Projected = new ProjectedVolumeSource
            {
                Sources =
                [
                    new VolumeProjection { ConfigMap = new ConfigMapProjection { Name = "gone" } },
                    new VolumeProjection { ServiceAccountToken = new ServiceAccountTokenProjection { Path = "token" } },
                ],
            },
        };

        var ex = await Assert.ThrowsAsync<VolumeSetupException>(() => Resolve(new FakeConfigSource(), volume));

        Assert.StartsWith("[configmap \"gone\" not found, serviceAccountToken projection is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape", "invalid path: must not contain '..': ../escape")]
    [InlineData("a/../../b", "invalid path: must not contain '..': a/../../b")]
    [InlineData("/etc/passwd", "invalid path: must be relative path: /etc/passwd")]
    [InlineData("..data", "invalid path: must not start with '..': ..data")]
    public async Task Paths_that_leave_the_volume_are_refused(string path, string message)
    {
        var volume = new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = "app-config", Items = [new KeyToPath { Key = "mode", Path = path }] } };

        var ex = await Assert.ThrowsAsync<VolumeSetupException>(() => Resolve(WithAppConfig(), volume));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task Other_volume_kinds_are_not_handled()
    {
        var emptyDir = new Volume { Name = "scratch", EmptyDir = new EmptyDirVolumeSource() };

        Assert.False(VolumeContentResolver.Handles(emptyDir));
        Assert.True(VolumeContentResolver.Handles(new Volume { Name = "p", Projected = new ProjectedVolumeSource() }));
        await Assert.ThrowsAsync<ArgumentException>(() => Resolve(new FakeConfigSource(), emptyDir));
    }
}
