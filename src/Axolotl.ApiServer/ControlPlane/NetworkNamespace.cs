namespace Axolotl.ApiServer.ControlPlane;

/// <summary>
/// Names this process's network namespace across every machine: the kernel's boot ID and the
/// namespace's inode. Two processes that share the name share loopback, so one can probe the
/// other's 127.0.0.1 listener; anywhere else that address is somebody else's.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>"&lt;boot id&gt;/net:[inode]", or null where /proc does not say.</summary>
    public static string? Current { get; } = Read();

    private static string? Read()
    {
        try
        {
            var boot = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
            var netns = new FileInfo("/proc/self/ns/net").LinkTarget;
            return boot.Length == 0 || string.IsNullOrEmpty(netns) ? null : $"{boot}/{netns}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
