using System.Runtime.InteropServices;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>S4's example folder, jsonpath reads, and the README's "kill -9 from the node" step.</summary>
internal static partial class S4Files
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private const string Example = "s4-crash-reasons-probes-controllers";

    public static string Folder => ExampleFiles.Folder(Example);

    public static string Path(string file) => ExampleFiles.File(Example, file);

    public static async Task<string> FieldAsync(ServerFixture fx, string ns, string pod, string path) =>
        (await fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}")).Trim();

    public static Task<string> UntilFieldAsync(ServerFixture fx, string ns, string pod, string path, Func<string, bool> done, string what) =>
        Eventually.UntilAsync(() => FieldAsync(fx, ns, pod, path), done, what, Slow);

    public static int Int(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// `kill -9 PID` on the node: finds the host process running <paramref name="argv"/> inside the
    /// pod (its cgroup path holds the pod's UID) and sends it SIGKILL. Only that one PID is signalled.
    /// </summary>
    public static async Task KillOnNodeAsync(ServerFixture fx, string ns, string pod, string[] argv)
    {
        var uid = await FieldAsync(fx, ns, pod, "{.metadata.uid}");
        var wanted = string.Join('\0', argv) + "\0";
        var pid = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(System.IO.Path.GetFileName(d), out var p) ? p : 0)
            .Where(p => p > 0)
            .FirstOrDefault(p => Read($"/proc/{p}/cmdline") == wanted && Read($"/proc/{p}/cgroup")?.Contains(uid, StringComparison.Ordinal) == true);
        Assert.True(pid > 0, $"no process '{string.Join(' ', argv)}' in pod {ns}/{pod} ({uid})");
        Assert.True(Kill(pid, 9) == 0, $"kill({pid}, SIGKILL) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
