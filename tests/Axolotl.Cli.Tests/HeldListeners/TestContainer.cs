using System.Diagnostics;
using Axolotl.Runtime;
using Axolotl.Testing;

namespace Axolotl.Cli.Tests.HeldListeners;

/// <summary>
/// A container as the wiring sees one: a launcher (sh) whose child is the app, real processes so the wiring's /proc walk
/// and its liveness test by pid and start time run as on a node. SIGKILL the app and the launcher exits, as a container's does.
/// </summary>
internal sealed class TestContainer : IDisposable
{
    private readonly Process _launcher;

    private TestContainer(Process launcher, int app)
    {
        _launcher = launcher;
        App = app;
    }

    public int Launcher => _launcher.Id;

    public int App { get; }

    public bool Running => !_launcher.HasExited;

    /// <summary>Starts <paramref name="command"/> under a shell that does not exec it (so it stays the shell's child).</summary>
    public static async Task<TestContainer> StartAsync(string command = "sleep 600")
    {
        var launcher = Process.Start(new ProcessStartInfo("sh", ["-c", command + "; exit 0"]) { UseShellExecute = false })!;
        var app = await Eventually.UntilAsync(() => Task.FromResult(LinuxProcess.Descendants(launcher.Id, 4)), c => c.Count > 0, $"the app under launcher {launcher.Id}",
            timeout: TimeSpan.FromSeconds(10), interval: TimeSpan.FromMilliseconds(1));
        return new TestContainer(launcher, app[0]);
    }

    /// <summary>SIGKILLs the app and waits for its launcher to exit (the app reaped).</summary>
    public async Task KillAppAsync()
    {
        LinuxProcess.Signal(App, 9);
        await _launcher.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_launcher.HasExited)
        {
            LinuxProcess.Signal(App, 9);
            _launcher.Kill();
            _launcher.WaitForExit();
        }
        _launcher.Dispose();
    }
}
