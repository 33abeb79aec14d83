using System.Text.Json;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.Images;

namespace Axolotl.E2E.Tests.Images;

/// <summary>
/// Pods from real OCI images served by a loopback registry, driven with kubectl: the image's config
/// decides what runs, the container sees the image's root and nothing of the host, pull policies
/// count registry requests, private images need their imagePullSecret, and a bad image gives the
/// kubelet's reasons without holding anything else up.
/// </summary>
public sealed class ImagePullTests(RegistryFixture fx) : IClassFixture<RegistryFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private async Task CreatePodAsync(string ns, string name, string image, string extra = "", string pullPolicy = "IfNotPresent", string podExtra = "")
    {
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}, namespace: {{ns}}}
            spec:
              terminationGracePeriodSeconds: 1
            {{podExtra}}
              containers:
              - name: app
                image: {{image}}
                imagePullPolicy: {{pullPolicy}}
            {{extra}}
            """, "apply", "-f", "-");
    }

    private Task<string> RunningAsync(string ns, string name) =>
        Eventually.KubectlAsync(fx.Kubectl, r => r.Stdout == "Running", $"{ns}/{name} Running", "get", "pod", name, "-n", ns, "-o", "jsonpath={.status.phase}")
            .ContinueWith(t => t.Result.Stdout);

    private async Task<string> WaitingReasonAsync(string ns, string name, params string[] reasons)
    {
        var result = await Eventually.KubectlAsync(fx.Kubectl, r => reasons.Contains(r.Stdout), $"{ns}/{name} waiting with {string.Join('/', reasons)}",
            "get", "pod", name, "-n", ns, "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}");
        return result.Stdout;
    }

    private async Task<string> LogsAsync(string ns, string name) =>
        (await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Length > 0, $"logs of {name}", "logs", name, "-n", ns)).Stdout;

    private Task<string> ExecAsync(string ns, string name, params string[] command) =>
        fx.Kubectl.OkAsync(["exec", name, "-n", ns, "--", .. command]);

    private async Task<JsonElement> ContainerStatusAsync(string ns, string name)
    {
        var json = await fx.Kubectl.OkAsync("get", "pod", name, "-n", ns, "-o", "json");
        return JsonDocument.Parse(json).RootElement.GetProperty("status").GetProperty("containerStatuses")[0].Clone();
    }

    private async Task<string> EventsAsync(string ns, string name) =>
        await fx.Kubectl.OkAsync("get", "events", "-n", ns, "--field-selector", $"involvedObject.name={name}", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}");

    [Fact]
    public async Task The_images_entrypoint_cmd_env_workdir_and_user_decide_what_runs_and_pod_env_wins_per_key()
    {
        var ns = await fx.NewNamespaceAsync("img-config");
        await CreatePodAsync(ns, "config", fx.Busybox, """
                env: [{name: COLOR, value: green}]
            """);
        await RunningAsync(ns, "config");

        var log = await LogsAsync(ns, "config");
        Assert.Equal("uid=1000 gid=1000 groups=1000 10 pwd=/srv/app greeting=hello-from-image color=green\n", log);
        Assert.Equal("1000\n", await ExecAsync(ns, "config", "id", "-u"));
    }

    [Fact]
    public async Task The_container_sees_the_images_root_only_and_writes_stay_in_its_own_layer()
    {
        var ns = await fx.NewNamespaceAsync("img-root");
        await CreatePodAsync(ns, "root", fx.Busybox, """
                command: ["sleep", "3600"]
            """);
        await RunningAsync(ns, "root");

        var entries = (await ExecAsync(ns, "root", "ls", "/")).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Superset(new HashSet<string> { "bin", "etc", "home", "proc", "dev", "sys", "tmp", "root", "srv" }, entries);
        Assert.DoesNotContain("usr", entries);
        // The image has no /var: the only one is the mount point of the ServiceAccount token volume.
        Assert.Equal("run\n", await ExecAsync(ns, "root", "ls", "/var"));
        Assert.Equal("secrets\n", await ExecAsync(ns, "root", "ls", "/var/run"));
        Assert.Equal("axolotl test image\n", await ExecAsync(ns, "root", "cat", "/etc/image-marker"));
        Assert.Contains("root", await ExecAsync(ns, "root", "cat", "/etc/hosts"), StringComparison.Ordinal);
        var hostOnly = await fx.Kubectl.RunAsync("exec", "root", "-n", ns, "--", "ls", fx.Server.DataDir);
        Assert.NotEqual(0, hostOnly.ExitCode);

        await ExecAsync(ns, "root", "sh", "-c", "echo scratch > /tmp/written");
        Assert.Equal("scratch\n", await ExecAsync(ns, "root", "cat", "/tmp/written"));
        Assert.False(File.Exists("/tmp/written") && File.ReadAllText("/tmp/written") == "scratch\n", "the write reached the host's /tmp");
    }

    [Fact]
    public async Task Status_and_events_name_the_image_its_digest_and_size_as_the_kubelet_does()
    {
        var ns = await fx.NewNamespaceAsync("img-status");
        await CreatePodAsync(ns, "status", fx.Busybox);
        await RunningAsync(ns, "status");

        var status = await ContainerStatusAsync(ns, "status");
        Assert.Equal(fx.Busybox, status.GetProperty("image").GetString());
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(fx.Open.Host)}/test/busybox@sha256:[0-9a-f]{{64}}$", status.GetProperty("imageID").GetString());
        var events = await EventsAsync(ns, "status");
        Assert.True(events.Contains($"Pulling: Pulling image \"{fx.Busybox}\"", StringComparison.Ordinal)
            || events.Contains($"Pulled: Container image \"{fx.Busybox}\" already present on machine", StringComparison.Ordinal), events);

        // As the kubelet: the 50 largest images, largest first; the bundled seed images alone are more
        // than 50, so this small image is listed only on a node with fewer.
        var imageId = status.GetProperty("imageID").GetString()!;
        await Eventually.UntilAsync(async () => await fx.Kubectl.OkAsync("get", "node", fx.Server.NodeName, "-o", "jsonpath={.status.images}"),
            json =>
            {
                if (string.IsNullOrWhiteSpace(json))
                {
                    return false; // no heartbeat has written the node's images yet
                }

                var images = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
                var sizes = images.Select(i => i.GetProperty("sizeBytes").GetInt64()).ToList();
                var listed = images.Any(i => i.GetProperty("names").EnumerateArray().Any(n => n.GetString() == imageId));
                return images.Count is > 0 and <= 50 && sizes.SequenceEqual(sizes.OrderDescending()) && (listed || images.Count == 50);
            }, "the node's status.images", TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task Always_resolves_the_manifest_again_for_every_container_while_IfNotPresent_asks_once()
    {
        var ns = await fx.NewNamespaceAsync("img-policy");
        var before = fx.Open.ManifestGets("test/policy");
        await CreatePodAsync(ns, "first", fx.PolicyImage);
        await RunningAsync(ns, "first");
        var afterFirst = await SettledManifestGetsAsync("test/policy");
        await CreatePodAsync(ns, "second", fx.PolicyImage);
        await RunningAsync(ns, "second");
        Assert.Equal(afterFirst, await SettledManifestGetsAsync("test/policy"));
        Assert.Contains($"Container image \"{fx.PolicyImage}\" already present on machine", await EventsAsync(ns, "second"), StringComparison.Ordinal);

        await CreatePodAsync(ns, "always", fx.PolicyImage, pullPolicy: "Always");
        await RunningAsync(ns, "always");
        Assert.True(fx.Open.ManifestGets("test/policy") > afterFirst, "Always did not ask the registry");
        var events = await EventsAsync(ns, "always");
        Assert.Matches("Pulled: Successfully pulled image \"[^\"]+\" in [0-9.]+m?s \\([0-9.]+m?s including waiting\\)\\. Image size: [0-9]+ bytes\\.", events);
        Assert.True(afterFirst > before, "the first pod did not ask the registry");
    }

    /// <summary>
    /// The registry's access log reaches the test through a pipe, after the response the node already used:
    /// a count read right after a pod runs can miss its last GET. Read it once it held for a second.
    /// </summary>
    private async Task<int> SettledManifestGetsAsync(string repository)
    {
        var last = -1;
        var settled = await Eventually.UntilAsync(async () =>
        {
            var previous = last;
            await Task.Delay(TimeSpan.FromSeconds(1));
            last = fx.Open.ManifestGets(repository);
            return (Previous: previous, Now: last);
        }, counts => counts.Previous == counts.Now, $"the registry's manifest GETs of {repository} to settle");
        return settled.Now;
    }

    [Fact]
    public async Task A_private_image_fails_without_its_imagePullSecret_and_runs_with_it()
    {
        var ns = await fx.NewNamespaceAsync("img-private");
        await CreatePodAsync(ns, "denied", fx.PrivateImage);
        await WaitingReasonAsync(ns, "denied", "ErrImagePull", "ImagePullBackOff");
        var waiting = (await ContainerStatusAsync(ns, "denied")).GetProperty("state").GetProperty("waiting");
        var message = waiting.GetProperty("message").GetString()!;
        // ErrImagePull shows the pull's error; ImagePullBackOff (which follows within a second) wraps the same error.
        var backOff = $"Back-off pulling image \"{fx.PrivateImage}\": ErrImagePull: ";
        var pullError = waiting.GetProperty("reason").GetString() == "ImagePullBackOff" && message.StartsWith(backOff, StringComparison.Ordinal)
            ? message[backOff.Length..]
            : message;
        Assert.StartsWith("rpc error: code = ", pullError, StringComparison.Ordinal);
        Assert.Contains(fx.PrivateImage, pullError, StringComparison.Ordinal);

        await fx.Kubectl.OkAsync("create", "secret", "docker-registry", "pull", "-n", ns, $"--docker-server={fx.Private.Host}",
            $"--docker-username={RegistryTokenServer.User}", $"--docker-password={RegistryTokenServer.Password}");
        await CreatePodAsync(ns, "allowed", fx.PrivateImage, podExtra: "  imagePullSecrets: [{name: pull}]");
        await RunningAsync(ns, "allowed");
        Assert.True(fx.Private.Tokens!.AuthenticatedRequests > 0);
    }

    [Fact]
    public async Task A_registry_demanding_a_client_certificate_is_pulled_from_with_the_nodes_certificate_from_the_registries_file()
    {
        var ns = await fx.NewNamespaceAsync("img-mtls");

        // The registry refuses a TLS client without a certificate of its CA: curl with the CA but no certificate fails.
        var anonymous = await ProcessRunner.RunAsync("/usr/bin/curl", ["-sS", "--cacert", fx.MutualTls.MutualTls!.CaFile, $"https://{fx.MutualTls.Host}/v2/"]);
        Assert.NotEqual(0, anonymous.ExitCode);

        await CreatePodAsync(ns, "secure", fx.MutualTlsImage);
        await RunningAsync(ns, "secure");
        Assert.StartsWith("uid=1000 ", await LogsAsync(ns, "secure"), StringComparison.Ordinal);
        Assert.True(fx.MutualTls.ManifestGets("secure/busybox") > 0, fx.MutualTls.Log);
    }

    [Fact]
    public async Task A_multi_platform_index_runs_its_amd64_image_and_a_zstd_image_runs_too()
    {
        var ns = await fx.NewNamespaceAsync("img-multi");
        await CreatePodAsync(ns, "multi", fx.Multi);
        await CreatePodAsync(ns, "zstd", fx.Zstd);
        await RunningAsync(ns, "multi");
        await RunningAsync(ns, "zstd");
        Assert.StartsWith("uid=1000 ", await LogsAsync(ns, "multi"), StringComparison.Ordinal);
        Assert.StartsWith("uid=1000 ", await LogsAsync(ns, "zstd"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whiteout_in_an_upper_layer_hides_the_lower_layers_file()
    {
        var ns = await fx.NewNamespaceAsync("img-whiteout");
        await CreatePodAsync(ns, "wh", fx.Whiteout, """
                command: ["sleep", "3600"]
            """);
        await RunningAsync(ns, "wh");
        var wget = await fx.Kubectl.RunAsync("exec", "wh", "-n", ns, "--", "ls", "/bin/wget");
        Assert.NotEqual(0, wget.ExitCode);
        Assert.Equal("/bin/busybox\n", await ExecAsync(ns, "wh", "ls", "/bin/busybox"));
    }

    [Fact]
    public async Task Bad_images_get_the_kubelets_reasons_promptly_and_do_not_hold_up_other_pods()
    {
        var ns = await fx.NewNamespaceAsync("img-bad");
        await CreatePodAsync(ns, "no-tag", $"{fx.Open.Host}/test/busybox:missing");
        await CreatePodAsync(ns, "no-host", "127.0.0.1:1/test/busybox:1.0");
        await CreatePodAsync(ns, "never", $"{fx.Open.Host}/test/never:1.0", pullPolicy: "Never");
        await CreatePodAsync(ns, "fine", fx.Busybox);

        await RunningAsync(ns, "fine");
        await WaitingReasonAsync(ns, "no-tag", "ErrImagePull", "ImagePullBackOff");
        await WaitingReasonAsync(ns, "no-host", "ErrImagePull", "ImagePullBackOff");
        Assert.Equal("ErrImageNeverPull", await WaitingReasonAsync(ns, "never", "ErrImageNeverPull"));
        var never = (await ContainerStatusAsync(ns, "never")).GetProperty("state").GetProperty("waiting").GetProperty("message").GetString();
        Assert.Equal($"Container image \"{fx.Open.Host}/test/never:1.0\" is not present with pull policy of Never", never);
        var notFound = await EventsAsync(ns, "no-tag");
        Assert.Contains("not found", notFound, StringComparison.Ordinal);
    }
}
