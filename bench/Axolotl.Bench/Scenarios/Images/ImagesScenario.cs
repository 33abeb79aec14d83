using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.Bench.Tracing;

namespace Axolotl.Bench.Scenarios.Images;

/// <summary>
/// Real images (issue 16), on a node of its own and Debian's docker-registry on a loopback port:
/// - cold pull: a pod of a ~50 MB image created → Running (pull, verify, unpack, start), next to
///   `skopeo copy` + `umoci unpack` of the same image from the same registry (ratio below 1: faster);
/// - cached image: pods created → Running one after another (p50, p99);
/// - disk: what N running pods of one image take beyond one copy of it;
/// - restart on an image root: container exit → the replacement's first command, by the
///   restart-latency scenario's bash stamps (bash and its libraries are the image's, the stamps go
///   to a hostPath in /dev/shm).
/// </summary>
internal sealed class ImagesScenario : IScenario
{
    private const long BulkBytes = 50L * 1024 * 1024;
    private static readonly TimeSpan PerPodTimeout = TimeSpan.FromSeconds(120);

    public string Name => "images";

    public string Description => "OCI images from a loopback registry: cold pull + unpack of a 50 MB image vs skopeo + umoci, cached-image pod start, disk per pod, exit → replacement on an image root";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 150 : 300);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        foreach (var tool in new[] { "/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/umoci" })
        {
            if (!File.Exists(tool))
            {
                report.Status = "skipped";
                report.Notes.Add($"{tool} is missing (apt-get install docker-registry skopeo umoci)");
                return;
            }
        }

        var work = Directory.CreateTempSubdirectory("axolotl-bench-images-").FullName;
        var markers = Directory.CreateDirectory(Path.Combine("/dev/shm", $"axolotl-bench-images-{Environment.ProcessId}")).FullName;
        Process? registry = null;
        try
        {
            var layout = Path.Combine(work, "layout");
            await BenchImage.BuildAsync(layout, "small", 0, ct);
            await BenchImage.BuildAsync(layout, "big", BulkBytes, ct);
            var port = FreePort();
            registry = await StartRegistryAsync(work, port, ct);
            var host = $"127.0.0.1:{port}";
            await RunAsync(context, "/usr/bin/skopeo", ct, "copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:small", $"docker://{host}/bench/small:1");
            await RunAsync(context, "/usr/bin/skopeo", ct, "copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:big", $"docker://{host}/bench/big:1");
            var imageBytes = Directory.EnumerateFiles(Path.Combine(layout, "blobs", "sha256")).Sum(f => new FileInfo(f).Length);

            // The peers: the same image from the same registry, pulled and unpacked by Debian's tools.
            var peer = Stopwatch.StartNew();
            await RunAsync(context, "/usr/bin/skopeo", ct, "copy", "--quiet", "--src-tls-verify=false", $"docker://{host}/bench/big:1", $"oci:{work}/peer:1");
            await RunAsync(context, "/usr/bin/umoci", ct, "unpack", "--image", $"{work}/peer:1", $"{work}/bundle");
            var peerMs = peer.Elapsed.TotalMilliseconds;

            await using var node = await NodeServer.StartAsync(context, ct, airgap: false);
            using var api = context.Connect(node.Server);
            await node.WaitNodeReadyAsync(api, ct);
            await using var watch = await Infrastructure.WatchStream.OpenRunningAsync(node.Server.Kubeconfig, context.Http2, AgentPods.Namespace, ct);

            var cold = Stopwatch.GetTimestamp();
            await api.CreateAsync(AgentPods.PodsPath, Pod("pull-cold", $"{host}/bench/big:1", ["sleep", "3600"], "Always", null), ct);
            var running = await watch.MatchedAsync("pull-cold").WaitAsync(PerPodTimeout, ct);
            var coldMs = Stopwatch.GetElapsedTime(cold, running).TotalMilliseconds;
            report.Add("cold pull + unpack + start, 50 MB image (axolotl)", coldMs, "ms", "pod created → Running on a watch; includes the container start");
            report.Add("skopeo copy + umoci unpack, same image", peerMs, "ms", "Debian's skopeo 1.9 and umoci 0.4 from the same registry");
            report.Add("axolotl / skopeo+umoci (below 1: Axolotl faster)", coldMs / peerMs, "×");

            var pods = context.Quick ? 20 : 60;
            await api.CreateAsync(AgentPods.PodsPath, Pod("cached-warm", $"{host}/bench/small:1", ["sleep", "3600"], "Always", null), ct);
            await watch.MatchedAsync("cached-warm").WaitAsync(PerPodTimeout, ct);
            var cached = new LatencySamples("cached image: pod created → Running");
            for (var i = 0; i < pods; i++)
            {
                var name = $"cached-{i:D3}";
                var sent = Stopwatch.GetTimestamp();
                BenchTrace.Mark("bench-post-sent", name);
                await api.CreateAsync(AgentPods.PodsPath, Pod(name, $"{host}/bench/small:1", ["sleep", "3600"], "Always", null), ct);
                cached.Add(sent, await watch.MatchedAsync(name).WaitAsync(PerPodTimeout, ct));
                BenchTrace.Mark("bench-running-seen", name);
            }

            var summary = report.Add(cached, $"{pods} pods one after another, image pulled before (IfNotPresent)");
            report.Target("cached-image pod created → Running p50", summary.P50, 50, "ms");

            var nodeDir = Path.Combine(node.Server.DataDir, "agent");
            var store = DirectoryBytes(Path.Combine(nodeDir, "image-store"));
            var perPod = Directory.EnumerateDirectories(Path.Combine(nodeDir, "pods"), "rootfs-*", SearchOption.AllDirectories).Sum(DirectoryBytes) / (double)(pods + 2);
            report.Add("image store (blobs + unpacked layers), both images", store, "bytes", $"images' compressed size {imageBytes} bytes");
            report.Add($"disk per running pod beyond the image (its writable layer), {pods + 2} pods", perPod, "bytes", "the layers are shared: N pods take one copy of the image");

            var crashes = context.Quick ? 20 : 60;
            var restarts = new LatencySamples("exit → replacement's first command, image root");
            for (var i = 0; i < crashes + 2; i++)
            {
                var name = $"crash-{i:D3}";
                var marker = Path.Combine(markers, name);
                var script = $"""
                    if [ -e {marker}.exit ]; then echo $EPOCHREALTIME >{marker}.start; exit 0; fi
                    echo $EPOCHREALTIME >{marker}.exit; exit 1
                    """;
                await api.CreateAsync(AgentPods.PodsPath, Pod(name, $"{host}/bench/small:1", ["/bin/bash", "-c", script], "OnFailure", markers), ct);
                var waited = Stopwatch.StartNew();
                while (!File.Exists(marker + ".start") || !File.ReadAllText(marker + ".start").EndsWith('\n'))
                {
                    if (waited.Elapsed > PerPodTimeout)
                    {
                        throw new TimeoutException($"pod {name}: no second instance");
                    }

                    await Task.Delay(5, ct);
                }

                if (i >= 2)
                {
                    restarts.AddMilliseconds((Peers.CrashLoop.ParseStamp(File.ReadAllText(marker + ".start")) - Peers.CrashLoop.ParseStamp(File.ReadAllText(marker + ".exit"))) / 1000.0);
                }
            }

            report.Add(restarts, $"{crashes} pods one at a time, restartPolicy OnFailure, the image's bash; compare with the peers scenario's PM2 row in the same run");
            await node.DeleteAllPodsAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (registry is { HasExited: false })
            {
                registry.Kill(entireProcessTree: true);
                await registry.WaitForExitAsync(CancellationToken.None);
            }

            registry?.Dispose();
            Directory.Delete(markers, recursive: true);
            Directory.Delete(work, recursive: true);
        }
    }

    private static byte[] Pod(string name, string image, IReadOnlyList<string> command, string restartPolicy, string? hostPath)
    {
        var volumes = hostPath is null ? "" : ",\"volumes\":[{\"name\":\"m\",\"hostPath\":{\"path\":\"" + hostPath + "\",\"type\":\"Directory\"}}]";
        var mounts = hostPath is null ? "" : ",\"volumeMounts\":[{\"name\":\"m\",\"mountPath\":\"" + hostPath + "\"}]";
        return Encoding.UTF8.GetBytes($$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{AgentPods.Namespace}}}","labels":{"app":"bench-agent"}},
            "spec":{"restartPolicy":"{{{restartPolicy}}}","terminationGracePeriodSeconds":1{{{volumes}}},
            "containers":[{"name":"c","image":"{{{image}}}","imagePullPolicy":"IfNotPresent","command":{{{System.Text.Json.JsonSerializer.Serialize(command)}}}{{{mounts}}}}]}}
            """.ReplaceLineEndings(""));
    }

    private static async Task<Process> StartRegistryAsync(string work, int port, CancellationToken ct)
    {
        var config = Path.Combine(work, "registry.yml");
        await File.WriteAllTextAsync(config, $"version: 0.1\nlog: {{level: error}}\nstorage: {{filesystem: {{rootdirectory: \"{work}/registry\"}}}}\nhttp: {{addr: \"127.0.0.1:{port}\"}}\n", ct);
        var process = Process.Start(new ProcessStartInfo("/usr/bin/docker-registry", ["serve", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("cannot start docker-registry");
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, ct);
                return process;
            }
            catch (SocketException)
            {
                await Task.Delay(50, ct);
            }
        }

        process.Kill();
        throw new InvalidOperationException("docker-registry did not start listening");
    }

    private static async Task RunAsync(BenchContext context, string file, CancellationToken ct, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {await error}");
        }

        context.Log($"images: {Path.GetFileName(file)} {args[0]} done");
    }

    private static long DirectoryBytes(string directory) =>
        Directory.Exists(directory)
            ? new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Where(f => f.LinkTarget is null).Sum(f => f.Length)
            : 0;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
