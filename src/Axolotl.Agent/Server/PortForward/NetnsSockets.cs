using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Axolotl.Agent.Server.PortForward;

/// <summary>
/// Creates a TCP socket inside a pod's network namespace, as containerd's port-forward enters the
/// sandbox's namespace before it dials localhost. A socket belongs to the namespace it was created
/// in for life, so only its creation needs the namespace: that happens on a thread of its own which
/// setns(2)es into the namespace and then ends, so no thread-pool thread ever changes namespace.
/// </summary>
internal static class NetnsSockets
{
    private const int CloneNewNet = 0x40000000;

    public static Task<Socket> CreateAsync(string namespacePath, AddressFamily family)
    {
        var created = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle(namespacePath, FileMode.Open, FileAccess.Read);
                if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new IOException($"setns {namespacePath}: {Marshal.GetLastPInvokeErrorMessage()}");
                }
                created.SetResult(new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
            }
            catch (Exception e)
            {
                created.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "netns-socket",
        };
        thread.Start();
        return created.Task;
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
