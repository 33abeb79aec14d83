using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.Images;

namespace Axolotl.E2E.Tests.Images;

/// <summary>
/// Online and airgap image resolution on a real server: online (no --airgap) a docker.io name is asked
/// of docker.io's mirror from the registries file even where the build bundles a stand-in for it; in
/// airgap mode a name the node does not hold ends in ErrImagePull with a message that says so.
/// Every registry here is a loopback one the test starts and removes.
/// </summary>
public sealed class OnlineAndAirgapTests
{
    private const string Marker = "from the docker.io mirror\n";

    private static async Task CreatePodAsync(Kubectl kubectl, string name, string image)
    {
        await kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: app, image: "{{image}}", imagePullPolicy: IfNotPresent, command: ["sh", "-c", "exec sleep 3600"]}
            """, "apply", "-f", "-");
    }

    [Fact]
    public async Task Online_the_docker_io_mirror_is_asked_even_for_a_name_the_build_bundles_a_stand_in_for()
    {
        Assert.True(LoopbackRegistry.Available, "docker-registry, skopeo and umoci are needed (.ci/run installs them)");
        // The build bundles busybox:1.36 as a seed image: the node could answer it without asking anyone.
        var seedIndex = Path.Combine(Path.GetDirectoryName(await AxolotlServer.EnsureBuiltAsync())!, "seed-images", "index.json");
        Assert.Contains("\"docker.io/library/busybox:1.36\"", await File.ReadAllTextAsync(seedIndex), StringComparison.Ordinal);

        using var images = await OciLayoutBuilder.CreateAsync();
        await images.BuildBusyboxAsync("mirrored", new ImageConfigSpec(Entrypoint: ["/bin/sh", "-c"], Cmd: ["exec sleep 3600"]),
            root => File.WriteAllText(Path.Combine(root, "etc", "mirror-marker"), Marker));
        await using var mirror = await LoopbackRegistry.StartAsync();
        await mirror.PushAsync(images.Layout, "mirrored", "library/busybox", "1.36");
        var registries = Path.Combine(Path.GetDirectoryName(images.Layout)!, "registries.yaml");
        await File.WriteAllTextAsync(registries, $$"""
            mirrors:
              docker.io:
                endpoint: ["http://{{mirror.Host}}"]
            """);

        await using var server = await AxolotlServer.StartAsync(extraArgs: ["--airgap=false", "--private-registry", registries]);
        var kubectl = new Kubectl(server);
        await CreatePodAsync(kubectl, "mirrored", "busybox:1.36");

        await Eventually.KubectlAsync(kubectl, r => r.Stdout == "Running", "mirrored Running", "get", "pod", "mirrored", "-o", "jsonpath={.status.phase}");
        Assert.True(mirror.ManifestGets("library/busybox") >= 1, mirror.Log);
        Assert.Equal(Marker, await kubectl.OkAsync("exec", "mirrored", "--", "cat", "/etc/mirror-marker"));
    }

    [Fact]
    public async Task In_airgap_mode_a_name_the_node_does_not_hold_fails_with_ErrImagePull_saying_so()
    {
        // The harness's servers run --airgap.
        await using var server = await AxolotlServer.StartAsync();
        var kubectl = new Kubectl(server);
        await CreatePodAsync(kubectl, "missing", "redis:7");

        await Eventually.KubectlAsync(kubectl, r => r.Stdout is "ErrImagePull" or "ImagePullBackOff", "missing waiting on its image",
            "get", "pod", "missing", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}");
        var table = await kubectl.OkAsync("get", "pod", "missing");
        Assert.Matches(@"missing\s+0/1\s+(ErrImagePull|ImagePullBackOff)\s", table);
        var describe = await Eventually.KubectlAsync(kubectl, r => r.Stdout.Contains("airgap mode", StringComparison.Ordinal), "the airgap message in the events",
            "describe", "pod", "missing");
        Assert.Contains(
            "Failed to pull image \"redis:7\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/redis:7\": "
            + "airgap mode (--airgap): no registry is contacted and this node's image store has no \"docker.io/library/redis:7\"; import it with `axolotl images import FILE`",
            describe.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }
}
