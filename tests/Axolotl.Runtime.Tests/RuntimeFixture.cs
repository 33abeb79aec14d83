using Axolotl.Runtime;
using Axolotl.Runtime.Network;
using Axolotl.Testing;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// A real ProcessRuntime with names of its own (cgroup root, bridge, pod CIDR, state directory), torn
/// down completely afterwards even when a test failed: containers killed, sandboxes removed, bridge
/// deleted, cgroup roots and state removed. Starts containers through the native launcher (built
/// next to the test assemblies) or, with <c>nativeLauncher: false</c>, through the shell chain.
/// </summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    private readonly List<PodSandbox> _sandboxes = [];
    private readonly List<ContainerHandle> _handles = [];

    public RuntimeFixture(bool nativeLauncher = true)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var third = Convert.ToInt32(suffix[..2], 16);
        Options = new ProcessRuntimeOptions
        {
            CgroupRoot = "axolotl-test-" + suffix,
            BridgeName = "axt" + suffix,
            PodCidr = $"10.251.{third}.0/24",
            StateDirectory = Path.Combine("/var/tmp", "axolotl-runtime-tests", suffix),
        };
        var (missing, tools) = RuntimeProbe.Check();
        tools = tools ?? throw new InvalidOperationException("these tests need root, cgroups, unshare, nsenter, tini, ip: " + string.Join("; ", missing));
        if (nativeLauncher && tools.Launcher is null)
        {
            throw new InvalidOperationException($"no {RuntimeProbe.LauncherFileName} next to the tests: building it needs gcc (or cc) and libc6-dev");
        }

        Tools = nativeLauncher ? tools : tools with { Launcher = null };
        Runtime = new ProcessRuntime(Options, Tools);
    }

    public ProcessRuntimeOptions Options { get; }

    public RuntimeTools Tools { get; }

    public ProcessRuntime Runtime { get; }

    public string LogDirectory => Path.Combine(Options.StateDirectory, "logs");

    public async Task<PodSandbox> SandboxAsync(string hostname)
    {
        var sandbox = await Runtime.CreateSandboxAsync(new PodSandboxSpec(Guid.NewGuid().ToString(), "default", hostname, hostname), CancellationToken.None);
        lock (_sandboxes)
        {
            _sandboxes.Add(sandbox);
        }

        return sandbox;
    }

    public ContainerSpec Spec(PodSandbox sandbox, string name, params string[] command) =>
        new(sandbox.PodUid, name, command, new Dictionary<string, string>(), null, Path.Combine(LogDirectory, $"{sandbox.PodUid}-{name}.log"));

    public async Task<ContainerHandle> StartAsync(PodSandbox sandbox, ContainerSpec spec)
    {
        var handle = await Runtime.StartAsync(sandbox, spec, CancellationToken.None);
        lock (_handles)
        {
            _handles.Add(handle);
        }

        return handle;
    }

    /// <summary>The file's text once it has some (an attempt's log), within <paramref name="deadline"/>.</summary>
    public static Task<string> EventuallyReadAsync(string path, TimeSpan deadline) =>
        Eventually.UntilAsync(async () => File.Exists(path) ? await File.ReadAllTextAsync(path) : "", text => text.Length > 0, $"something in {path}", timeout: deadline);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var handle in _handles)
        {
            try
            {
                await Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                // Keep cleaning up the rest.
            }
        }

        foreach (var sandbox in _sandboxes)
        {
            try
            {
                await Runtime.RemoveSandboxAsync(sandbox, CancellationToken.None);
            }
            catch (Exception)
            {
            }
        }

        await NodeNetwork.TeardownAsync(Options.BridgeName, CancellationToken.None);
        foreach (var hierarchy in new[] { "memory", "cpu", "cpuacct", "pids", "devices", "unified" })
        {
            var dir = Path.Combine("/sys/fs/cgroup", hierarchy, Options.CgroupRoot);
            if (Directory.Exists(dir))
            {
                foreach (var sub in Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                {
                    TryRmdir(sub);
                }

                TryRmdir(dir);
            }
        }

        if (Directory.Exists(Options.StateDirectory))
        {
            Directory.Delete(Options.StateDirectory, recursive: true);
        }
    }

    private static void TryRmdir(string dir)
    {
        try
        {
            Directory.Delete(dir);
        }
        catch (IOException)
        {
        }
    }
}
