using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Axolotl.Proxy.Conntrack;

/// <summary>
/// The kernel's conntrack table over ctnetlink, in process (no `conntrack` tool needed on the node): a NETLINK_NETFILTER
/// socket per call, in the network namespace of the calling thread. Blocking system calls, each answered by the kernel
/// at once; a receive timeout bounds a kernel that never answers.
/// </summary>
public sealed class NetlinkConntrack : IConntrack
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkNetfilter = 12;
    private const int SolSocket = 1;
    private const int SoRcvtimeo = 20;
    private const int Enoent = 2;

    private uint _sequence;

    public Task<IReadOnlyList<ConntrackFlow>> ListUdpAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var socket = Open();
        var sequence = Interlocked.Increment(ref _sequence);
        socket.Send(CtnetlinkMessages.DumpRequest(sequence));
        var flows = new List<ConntrackFlow>();
        var buffer = new byte[65536];
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var (complete, errno) = CtnetlinkMessages.Read(buffer.AsSpan(0, socket.Receive(buffer)), sequence, flows);
            if (errno != 0)
            {
                throw new Win32Exception(errno, $"ctnetlink dump: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            if (complete)
            {
                return Task.FromResult<IReadOnlyList<ConntrackFlow>>(flows);
            }
        }
    }

    public Task<int> DeleteAsync(IReadOnlyList<ConntrackFlow> flows, CancellationToken ct)
    {
        if (flows.Count == 0)
        {
            return Task.FromResult(0);
        }
        using var socket = Open();
        var buffer = new byte[4096];
        var deleted = 0;
        foreach (var flow in flows)
        {
            ct.ThrowIfCancellationRequested();
            var sequence = Interlocked.Increment(ref _sequence);
            socket.Send(CtnetlinkMessages.DeleteRequest(sequence, flow));
            while (true)
            {
                var (complete, errno) = CtnetlinkMessages.Read(buffer.AsSpan(0, socket.Receive(buffer)), sequence, null);
                if (!complete)
                {
                    continue;
                }
                if (errno == 0)
                {
                    deleted++;
                }
                else if (errno != Enoent)
                {
                    // ENOENT: gone already (timed out, or deleted by someone else); anything else is a real failure.
                    throw new Win32Exception(errno, $"ctnetlink delete of {flow}: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
                break;
            }
        }
        return Task.FromResult(deleted);
    }

    public Task<ConntrackFlow?> FindByReplyAsync(byte protocol, System.Net.IPEndPoint replySource, System.Net.IPEndPoint replyDestination, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var socket = Open();
        var sequence = Interlocked.Increment(ref _sequence);
        socket.Send(CtnetlinkMessages.GetByReplyRequest(sequence, protocol, replySource, replyDestination));
        var flows = new List<ConntrackFlow>(1);
        var buffer = new byte[8192];
        while (true)
        {
            // The entry (IPCTNL_MSG_CT_NEW) comes first, then the acknowledgement; ENOENT when there is none.
            var (complete, errno) = CtnetlinkMessages.Read(buffer.AsSpan(0, socket.Receive(buffer)), sequence, flows, protocol);
            if (!complete)
            {
                continue;
            }
            if (errno is not 0 and not Enoent)
            {
                throw new Win32Exception(errno, $"ctnetlink get of the entry replying {replySource} -> {replyDestination}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            return Task.FromResult(flows.FirstOrDefault());
        }
    }

    private static NetlinkSocket Open()
    {
        var fd = SysSocket(AfNetlink, SockRaw | SockCloexec, NetlinkNetfilter);
        if (fd < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "socket(AF_NETLINK, NETLINK_NETFILTER)");
        }
        var socket = new NetlinkSocket(fd);
        // struct timeval { 5 s, 0 µs }.
        if (SysSetSockOpt(fd, SolSocket, SoRcvtimeo, [5, 0], 16) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            socket.Dispose();
            throw new Win32Exception(errno, "setsockopt(SO_RCVTIMEO) on a netlink socket");
        }
        return socket;
    }

    private sealed class NetlinkSocket(int fd) : IDisposable
    {
        public void Send(byte[] message)
        {
            if (SysSend(fd, message, message.Length, 0) != message.Length)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "send on a netlink socket");
            }
        }

        public int Receive(byte[] buffer)
        {
            var received = SysRecv(fd, buffer, buffer.Length, 0);
            if (received < 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "recv on a netlink socket");
            }
            return (int)received;
        }

        // close(2) of a netlink socket fails only for a bad descriptor, which this class never hands out twice.
        public void Dispose() => _ = SysClose(fd);
    }

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static extern int SysSocket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int SysSetSockOpt(int fd, int level, int name, long[] value, int length);

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    private static extern nint SysSend(int fd, byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static extern nint SysRecv(int fd, byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int SysClose(int fd);
}
