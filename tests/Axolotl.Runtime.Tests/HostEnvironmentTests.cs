using System.Diagnostics;
using System.Text;
using Axolotl.Runtime;

namespace Axolotl.Runtime.Tests;

/// <summary>
/// Issue 31, attack 1, at the runtime: a container's LD_PRELOAD, LD_LIBRARY_PATH, ENV and BASH_ENV name a
/// library (and a script) on the node whose constructor writes its process's pid namespace to a marker.
/// The container's command and exec's commands load it inside the container's namespaces (the environment
/// still reaches them); nothing the runtime starts on the node does (the launcher or recorder, exec's
/// helpers, a terminal's script), on a first start, an exec with and without a terminal, and a restart.
/// </summary>
public abstract class HostEnvironmentTests(bool nativeLauncher) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RuntimeFixture _rt = new(nativeLauncher);

    public Task InitializeAsync() => _rt.InitializeAsync();

    public Task DisposeAsync() => _rt.DisposeAsync();

    [Fact]
    public async Task The_container_s_environment_reaches_its_commands_and_no_process_on_the_node()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_rt.Options.StateDirectory, "attacker")).FullName;
        var marker = Path.Combine(dir, "marker");
        var library = await CompileAsync(dir, marker);
        await File.WriteAllTextAsync(Path.Combine(dir, "evil.sh"), $"echo \"sh $(readlink /proc/self/ns/pid)\" >> {marker}\n");
        var sandbox = await _rt.SandboxAsync("hostenv");
        var spec = _rt.Spec(sandbox, "main", "sh", "-c", "sleep 60") with
        {
            Environment = new Dictionary<string, string>
            {
                ["LD_PRELOAD"] = library,
                ["LD_LIBRARY_PATH"] = dir,
                ["ENV"] = Path.Combine(dir, "evil.sh"),
                ["BASH_ENV"] = Path.Combine(dir, "evil.sh"),
                ["GREETING"] = "hola",
            },
        };

        var handle = await _rt.StartAsync(sandbox, spec);
        Assert.Equal($"PATH={LinuxProcess.DefaultPath}\0", await File.ReadAllTextAsync($"/proc/{handle.Pid}/environ"));
        Assert.Equal("hola\n", await ExecAsync(handle, tty: false));
        if (_rt.Tools.Script is not null)
        {
            Assert.Contains("hola", await ExecAsync(handle, tty: true), StringComparison.Ordinal);
        }

        await _rt.Runtime.StopAsync(handle, TimeSpan.Zero, CancellationToken.None);
        var restarted = await _rt.StartAsync(sandbox, spec);
        Assert.Equal("hola\n", await ExecAsync(restarted, tty: false));
        Assert.Equal($"PATH={LinuxProcess.DefaultPath}\0", await File.ReadAllTextAsync($"/proc/{restarted.Pid}/environ"));

        var lines = File.Exists(marker) ? await File.ReadAllLinesAsync(marker) : [];
        var hostPidNamespace = new FileInfo($"/proc/{Environment.ProcessId}/ns/pid").LinkTarget!;
        // The commands in the container loaded it: the environment reached them.
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.DoesNotContain(hostPidNamespace, line, StringComparison.Ordinal));
    }

    private async Task<string> ExecAsync(ContainerHandle handle, bool tty)
    {
        using var output = new MemoryStream();
        var result = await _rt.Runtime.ExecAsync(handle, new ExecSpec(["sh", "-c", "echo $GREETING"], tty, null, output, output), CancellationToken.None).WaitAsync(Deadline);
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.True(result.ExitCode == 0, $"exec ended with {result.ExitCode}: {text}");
        return text;
    }

    private static async Task<string> CompileAsync(string dir, string marker)
    {
        var source = Path.Combine(dir, "evil.c");
        await File.WriteAllTextAsync(source, $$"""
            #include <fcntl.h>
            #include <stdio.h>
            #include <unistd.h>
            __attribute__((constructor)) static void mark(void)
            {
                char comm[64] = "", ns[64] = "", line[200];
                int c = open("/proc/self/comm", O_RDONLY);
                if (c >= 0) { ssize_t n = read(c, comm, sizeof comm - 1); if (n > 0) comm[n - 1] = 0; close(c); }
                ssize_t l = readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
                if (l > 0) ns[l] = 0;
                int fd = open("{{marker}}", O_WRONLY | O_CREAT | O_APPEND, 0644);
                if (fd < 0) return;
                int n = snprintf(line, sizeof line, "%s %s\n", comm, ns);
                if (write(fd, line, (size_t)n) < 0) {}
                close(fd);
            }
            """);
        var library = Path.Combine(dir, "evil.so");
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-shared", "-fPIC", "-o", library, source]) { RedirectStandardError = true })!;
        var errors = await gcc.StandardError.ReadToEndAsync();
        await gcc.WaitForExitAsync();
        Assert.True(gcc.ExitCode == 0, $"gcc: {errors}");
        return library;
    }
}

public sealed class NativeLauncherHostEnvironmentTests() : HostEnvironmentTests(nativeLauncher: true);

public sealed class ShellChainHostEnvironmentTests() : HostEnvironmentTests(nativeLauncher: false);
