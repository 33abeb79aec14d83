using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Axolotl.Proxy.Drain;

/// <summary>
/// A duplicate of a pod's listening TCP socket, taken from the process that owns it with pidfd_getfd(2) (issue 36, ADR 0030):
/// while the agent holds it, a SIGKILL of the app does not close the socket, so the connections in its accept queue are
/// not reset and new SYNs still queue; <see cref="Drain"/> accepts them (bounded) and <see cref="Dispose"/> closes the
/// duplicate, after which the port is free for the replacement's bind (which fails while any copy listens).
/// The listener is found by taking each of the process's socket fds and checking the duplicate itself (SO_ACCEPTCONN, TCP,
/// the local port), so a process that swaps its fds meanwhile can only make the take fail; the others are closed at once.
/// Not /proc/PID/net/tcp6: it lists every TIME_WAIT socket of the namespace, and a busy pod's (12,000-13,000 under the
/// service-load bench) took 1.3-1.5 s to read.
/// </summary>
public sealed class HeldListener : IHeldListener
{
    private const int PidfdOpen = 434;
    private const int PidfdGetfd = 438;
    private const int FGetfl = 3;
    private const int FSetfl = 4;
    private const int ONonblock = 0x800;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int SoAcceptconn = 30;
    private const int SoProtocol = 38;
    private const int IpprotoTcp = 6;
    private const int Eintr = 4;
    private const int Econnaborted = 103;
    private const int Eperm = 1;
    private const int ShutRdwr = 2;

    private readonly int _fd;
    private int _closed;

    private HeldListener(int fd, int port)
    {
        _fd = fd;
        Port = port;
    }

    public int Port { get; }

    /// <summary>
    /// Takes a duplicate of the TCP socket <paramref name="pid"/> listens with on <paramref name="port"/> (any address, IPv4
    /// or IPv6, in the process's network namespace); null when it does not listen there (yet), or is gone.
    /// At most <paramref name="maxSockets"/> of its socket fds are looked at: a process with more cannot make the agent work longer.
    /// </summary>
    public static HeldListener? TryTake(int pid, int port, int maxSockets = 4096) => TryTake(pid, port, out _, maxSockets);

    /// <summary>
    /// As <see cref="TryTake(int, int, int)"/>; <paramref name="refused"/> says the kernel denied the agent ptrace rights over
    /// the process (pidfd_getfd's EPERM: no CAP_SYS_PTRACE, Yama's ptrace_scope 3), which asking again will not change.
    /// </summary>
    public static HeldListener? TryTake(int pid, int port, out bool refused, int maxSockets = 4096)
    {
        refused = false;
        var pidfd = (int)Syscall(PidfdOpen, pid, 0, 0);
        if (pidfd < 0)
        {
            return null;
        }
        try
        {
            var looked = 0;
            foreach (var target in SocketFds(pid))
            {
                if (++looked > maxSockets)
                {
                    return null;
                }
                // pidfd_getfd's duplicate is close-on-exec.
                var fd = (int)Syscall(PidfdGetfd, pidfd, target, 0);
                if (fd < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Eperm)
                    {
                        // Every other fd of the process would be refused the same way.
                        refused = true;
                        return null;
                    }
                    continue;
                }
                if (IsListenerOn(fd, port))
                {
                    return new HeldListener(fd, port);
                }
                _ = Close(fd);
            }
            return null;
        }
        finally
        {
            _ = Close(pidfd);
        }
    }

    /// <summary>
    /// Accepts up to <paramref name="limit"/> connections from the queue without waiting for more (the file is made
    /// non-blocking before each accept: after the app's exit nobody else should accept from it). The rest are reset by the
    /// close that follows. A hostile process that kept a copy shares the open file and can clear O_NONBLOCK between that and
    /// the accept, so an accept may still block on an empty queue: when <paramref name="ct"/> fires, the listener is shut
    /// down (shutdown(2) of a listening socket stops the listen, resetting what is still queued, and wakes every accept
    /// blocked on it), which no copy can prevent. So the caller waits at most until its token.
    /// </summary>
    public IReadOnlyList<Socket> Drain(int limit, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        var accepted = new List<Socket>();
        using var bound = ct.Register(() => _ = Shutdown(_fd, ShutRdwr));
        while (accepted.Count < limit && !ct.IsCancellationRequested)
        {
            var flags = Fcntl(_fd, FGetfl, 0);
            if (flags < 0 || ((flags & ONonblock) == 0 && Fcntl(_fd, FSetfl, flags | ONonblock) < 0))
            {
                break;
            }
            var fd = Accept4(_fd, 0, 0, SockCloexec);
            if (fd >= 0)
            {
                accepted.Add(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Eintr or Econnaborted)
            {
                continue;
            }
            // EAGAIN: the queue is empty; EINVAL: shut down (the bound); anything else: nothing more to take either.
            break;
        }
        return accepted;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _ = Close(_fd);
        }
    }

    /// <summary>The fd numbers <paramref name="pid"/>'s fd table shows as sockets (an exited process has none).</summary>
    private static IEnumerable<int> SocketFds(int pid)
    {
        var fds = new List<int>();
        try
        {
            foreach (var path in Directory.EnumerateFileSystemEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd"))
            {
                if (new FileInfo(path).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var fd))
                {
                    fds.Add(fd);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Exited while being read.
        }
        return fds;
    }

    private static bool IsListenerOn(int fd, int port)
    {
        if (GetIntOption(fd, SoAcceptconn) != 1 || GetIntOption(fd, SoProtocol) != IpprotoTcp)
        {
            return false;
        }
        // sockaddr_in and sockaddr_in6 both start with the family (2 bytes) and the port (network order).
        var address = new byte[128];
        var length = address.Length;
        return GetSockName(fd, address, ref length) == 0 && length >= 4 && ((address[2] << 8) | address[3]) == port;
    }

    private static int GetIntOption(int fd, int option)
    {
        var value = 0;
        var length = sizeof(int);
        return GetSockOpt(fd, SolSocket, option, ref value, ref length) == 0 ? value : -1;
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, long a, long b, long c);

    [DllImport("libc", EntryPoint = "accept4", SetLastError = true)]
    private static extern int Accept4(int fd, nint address, nint length, int flags);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static extern int GetSockOpt(int fd, int level, int option, ref int value, ref int length);

    [DllImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    private static extern int GetSockName(int fd, byte[] address, ref int length);

    [DllImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    private static extern int Shutdown(int fd, int how);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
