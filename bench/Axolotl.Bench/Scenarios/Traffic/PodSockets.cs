using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// UDP (or TCP) sockets opened in a pod's (or the bench's own) network namespace (`/run/netns/axl-…`, the runtime's, see PodNetwork), so the bench's
/// clients send as that pod does: into the pod bridge, through the node's prerouting hook, to a cluster IP. setns moves
/// only the calling thread; it moves back before returning, so no pool thread is left in the pod's namespace. A socket
/// stays in the namespace it was made in, whichever thread uses it later.
/// </summary>
internal static partial class PodSockets
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>The runtime's name for a pod's network namespace (PodNetwork.NamespaceName: "axl-" and the uid's first 12 hex digits).</summary>
    public static string NamespaceOf(string podUid) => "axl-" + podUid.Replace("-", string.Empty, StringComparison.Ordinal)[..12];

    /// <summary>A factory of UDP sockets (or TCP ones, with no delay) inside <paramref name="netns"/>.</summary>
    public static Func<Socket> In(string netns, ProtocolType protocol = ProtocolType.Udp)
    {
        var path = Path.Combine("/run/netns", netns);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"no network namespace {path}");
        }
        return () => Create(path, protocol);
    }

    private static Socket Create(string path, ProtocolType protocol)
    {
        using var home = File.OpenHandle("/proc/thread-self/ns/net");
        using var pod = File.OpenHandle(path);
        Enter(pod);
        try
        {
            return protocol == ProtocolType.Tcp
                ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
                : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        }
        finally
        {
            Enter(home);
        }
    }

    private static void Enter(Microsoft.Win32.SafeHandles.SafeFileHandle ns)
    {
        if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
        {
            throw new InvalidOperationException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
