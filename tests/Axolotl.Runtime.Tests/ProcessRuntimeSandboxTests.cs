using System.Diagnostics;
using System.Text;
using Axolotl.Runtime;
using Axolotl.Runtime.Logs;
using Axolotl.Testing;
using Xunit.Abstractions;

namespace Axolotl.Runtime.Tests;

/// <summary>Network, hosts, hostname, /tmp, exec and recovery, for either launcher (see <see cref="NativeLauncherSandboxTests"/>).</summary>
public abstract class ProcessRuntimeSandboxTests(ITestOutputHelper output, bool nativeLauncher) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly RuntimeFixture _rt = new(nativeLauncher);

    /// <summary>PID 1: the launcher's own init, or tini under the shell chain.</summary>
    private readonly string _init = nativeLauncher ? "axolotl-init" : "tini";

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    [Fact]
    public async Task Two_pods_listening_on_the_same_port_are_reachable_from_the_host_at_their_own_ips()
    {
        var a = await _rt.SandboxAsync("web-a");
        var b = await _rt.SandboxAsync("web-b");
        foreach (var sandbox in new[] { a, b })
        {
            var dir = Path.Combine(_rt.Options.StateDirectory, "www-" + sandbox.PodUid);
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "index.html"), "hello from " + sandbox.PodUid);
            await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "web", "python3", "-m", "http.server", "8080") with { WorkingDirectory = dir });
        }

        Assert.NotEqual(a.Ip, b.Ip);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var sandbox in new[] { a, b })
        {
            var body = await GetWithRetryAsync(http, $"http://{sandbox.Ip}:8080/");
            Assert.Equal("hello from " + sandbox.PodUid, body);
        }
    }

    [Fact]
    public async Task The_container_sees_its_own_hosts_file_hostname_and_a_private_tmp()
    {
        var sandbox = await _rt.SandboxAsync("pod-hosts");
        var marker = "axolotl-marker-" + Guid.NewGuid().ToString("N");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", $"cat /etc/hosts; echo host=$(hostname); touch /tmp/{marker}; ls /tmp; echo pid1=$(cat /proc/1/comm); echo done");
        var handle = await _rt.StartAsync(sandbox, spec);

        var exit = await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
        var log = await File.ReadAllTextAsync(spec.LogPath);

        Assert.Equal(0, exit.ExitCode);
        Assert.Contains("127.0.0.1\tlocalhost", log, StringComparison.Ordinal);
        Assert.Contains($"{sandbox.Ip}\tpod-hosts", log, StringComparison.Ordinal);
        Assert.Contains("host=pod-hosts", log, StringComparison.Ordinal);
        Assert.Contains(marker, log, StringComparison.Ordinal);
        Assert.Contains("pid1=" + _init, log, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/" + marker));
        Assert.DoesNotContain(sandbox.Ip!, await File.ReadAllTextAsync("/etc/hosts"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_are_appended_across_instances_of_a_container()
    {
        var sandbox = await _rt.SandboxAsync("logs");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "echo out-line; echo err-line >&2");

        for (var i = 0; i < 2; i++)
        {
            var handle = await _rt.StartAsync(sandbox, spec);
            await _rt.Runtime.WaitAsync(handle, CancellationToken.None).WaitAsync(Deadline);
        }

        var lines = (await File.ReadAllLinesAsync(spec.LogPath)).Select(LogLine.Parse).ToList();
        Assert.Equal(2, lines.Count(l => l.Text == "out-line"));
        Assert.Equal(2, lines.Count(l => l.Text == "err-line"));
    }

    [Fact]
    public async Task Exec_runs_in_the_container_namespaces_and_returns_the_exit_code_and_output()
    {
        var sandbox = await _rt.SandboxAsync("exec-pod");
        var spec = _rt.Spec(sandbox, "main", "sleep", "100") with
        {
            Environment = new Dictionary<string, string> { ["GREETING"] = "hola" },
        };
        var handle = await _rt.StartAsync(sandbox, spec);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes("from-stdin\n"));

        var result = await _rt.Runtime.ExecAsync(
            handle,
            new ExecSpec(["sh", "-c", "read line; echo $line $GREETING $(hostname) $(cat /proc/1/comm); echo oops >&2; exit 5"], false, stdin, stdout, stderr),
            CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(5, result.ExitCode);
        Assert.Equal($"from-stdin hola exec-pod {_init}\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("oops\n", Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public async Task Exec_with_a_tty_runs_the_command_on_a_terminal()
    {
        var sandbox = await _rt.SandboxAsync("tty-pod");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sleep", "100"));
        using var stdout = new MemoryStream();

        var result = await _rt.Runtime.ExecAsync(
            handle,
            new ExecSpec(["sh", "-c", "test -t 1 && echo is-a-tty; exit 3"], true, null, stdout, null),
            CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("is-a-tty", Encoding.UTF8.GetString(stdout.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_runtime_instance_recovers_a_running_container_and_observes_its_exit()
    {
        var sandbox = await _rt.SandboxAsync("recover");
        var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "main", "sh", "-c", "trap 'exit 7' TERM; sleep 100 & wait"));
        var finished = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "done", "sh", "-c", "exit 4"));
        await _rt.Runtime.WaitAsync(finished, CancellationToken.None).WaitAsync(Deadline);

        var second = new ProcessRuntime(_rt.Options, _rt.Tools);
        var recovered = await second.RecoverAsync(handle, CancellationToken.None);
        var recoveredFinished = await second.RecoverAsync(finished, CancellationToken.None);
        var unknown = await second.RecoverAsync(handle with { Id = "nope" }, CancellationToken.None);

        Assert.NotNull(recovered);
        Assert.Equal(handle.Pid, recovered.Pid);
        Assert.Null(unknown);
        Assert.NotNull(recoveredFinished);
        Assert.Equal(4, (await second.WaitAsync(recoveredFinished, CancellationToken.None).WaitAsync(Deadline)).ExitCode);
        var waiting = second.WaitAsync(recovered, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        var exec = await second.ExecAsync(recovered, new ExecSpec(["true"], false, null, Stream.Null, null), CancellationToken.None);
        await second.StopAsync(recovered, TimeSpan.FromSeconds(5), CancellationToken.None).WaitAsync(Deadline);
        var exit = await waiting.WaitAsync(Deadline);
        Assert.Equal(0, exec.ExitCode);
        Assert.Equal(7, exit.ExitCode);
    }

    [Fact]
    public async Task Start_latency_from_start_to_running_is_reported()
    {
        var sandbox = await _rt.SandboxAsync("latency");
        var samples = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var handle = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "c" + i, "sleep", "100"));
            samples.Add(stopwatch.Elapsed.TotalMilliseconds);
            await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None);
        }

        samples.Sort();
        output.WriteLine($"start → running (the init is PID 1): p50 {samples[samples.Count / 2]:F1} ms, p90 {samples[samples.Count * 9 / 10]:F1} ms, max {samples[^1]:F1} ms");
        Assert.All(samples, s => Assert.True(s < 5000));
    }

    [Fact]
    public async Task Restart_latency_from_exit_to_the_replacements_first_command_is_reported()
    {
        var sandbox = await _rt.SandboxAsync("restart");
        var stamps = Directory.CreateDirectory(Path.Combine(_rt.Options.StateDirectory, "stamps")).FullName;
        var samples = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            // $EPOCHREALTIME is a bash builtin: no fork between the stamp and the exit, or before the first stamp.
            var exit = Path.Combine(stamps, $"{i}.exit");
            var start = Path.Combine(stamps, $"{i}.start");
            var first = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "c", "bash", "-c", $"echo $EPOCHREALTIME >{exit}; exit 1"));
            await _rt.Runtime.WaitAsync(first, CancellationToken.None).WaitAsync(Deadline);
            var second = await _rt.StartAsync(sandbox, _rt.Spec(sandbox, "c", "bash", "-c", $"echo $EPOCHREALTIME >{start}"));
            await _rt.Runtime.WaitAsync(second, CancellationToken.None).WaitAsync(Deadline);
            samples.Add((Stamp(start) - Stamp(exit)) * 1000);
        }

        samples.Sort();
        output.WriteLine($"runtime only, exit → replacement's first command: p50 {samples[samples.Count / 2]:F1} ms, p90 {samples[samples.Count * 9 / 10]:F1} ms, max {samples[^1]:F1} ms");
        Assert.All(samples, s => Assert.InRange(s, 0, 5000));

        static double Stamp(string path) => double.Parse(File.ReadAllText(path).Trim().Replace(',', '.'), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> GetWithRetryAsync(HttpClient http, string url)
    {
        Exception? refused = null;
        var body = await Eventually.UntilAsync(
            async Task<string?> () =>
            {
                try
                {
                    return await http.GetStringAsync(new Uri(url));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    refused = e;
                    return null;
                }
            },
            b => b is not null, $"an answer from {url}", _ => $"{refused}", Deadline, TimeSpan.FromMilliseconds(100));
        return body!;
    }
}
