using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Axolotl.Proxy.Drain;

/// <summary>
/// A duplicate of a pod's listening TCP socket, taken from the process that owns it with pidfd_getfd(2) (issue 36, ADR 0030):
/// while the agent holds it, a SIGKILL of the app does not close the socket, so the connections in its accept queue are
/// not reset and new SYNs still queue; <see cref="Drain"/> accepts them (bounded) and <see cref="Dispose"/> closes the
/// duplicate, after which the port is free for the replacement's bind (which fails while any copy listens).
/// The fd taken is checked to be the very socket found listening (inode, SO_ACCEPTCONN, TCP, port) before it is kept: a
/// process may swap its fds between the look-up and the take.
/// </summary>
public sealed class HeldListener : IDisposable
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

    private readonly int _fd;
    private int _closed;

    private HeldListener(int fd, int port, ulong inode)
    {
        _fd = fd;
        Port = port;
        Inode = inode;
    }

    public int Port { get; }

    /// <summary>The socket's inode: the same in the app's fd table and in ours.</summary>
    public ulong Inode { get; }

    /// <summary>
    /// Takes a duplicate of the TCP socket <paramref name="pid"/> listens with on <paramref name="port"/> (any address, IPv4
    /// or IPv6, in the process's network namespace); null when it does not listen there (yet), is gone, or the fd found is
    /// not that socket any more.
    /// </summary>
    public static HeldListener? TryTake(int pid, int port)
    {
        var inodes = ListeningInodes(pid, port);
        if (inodes.Count == 0 || FdOf(pid, inodes) is not { } found)
        {
            return null;
        }
        var pidfd = (int)Syscall(PidfdOpen, pid, 0, 0);
        if (pidfd < 0)
        {
            return null;
        }
        int fd;
        try
        {
            // pidfd_getfd's duplicate is close-on-exec.
            fd = (int)Syscall(PidfdGetfd, pidfd, found.Fd, 0);
        }
        finally
        {
            _ = Close(pidfd);
        }
        if (fd < 0)
        {
            return null;
        }
        if (!IsListener(fd, found.Inode))
        {
            _ = Close(fd);
            return null;
        }
        return new HeldListener(fd, port, found.Inode);
    }

    /// <summary>
    /// Accepts up to <paramref name="limit"/> connections from the queue, without ever waiting (the file is made
    /// non-blocking first: after the app's exit nobody else should accept from it, and a hostile process that still holds
    /// a copy must not make the agent wait). The rest are reset by the close that follows.
    /// </summary>
    public IReadOnlyList<Socket> Drain(int limit)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
        var flags = Fcntl(_fd, FGetfl, 0);
        if (flags < 0 || ((flags & ONonblock) == 0 && Fcntl(_fd, FSetfl, flags | ONonblock) < 0))
        {
            return [];
        }
        var accepted = new List<Socket>();
        while (accepted.Count < limit)
        {
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
            // EAGAIN: the queue is empty; anything else: nothing more to take either.
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

    /// <summary>Inodes of the sockets listening on <paramref name="port"/> in <paramref name="pid"/>'s network namespace.</summary>
    internal static HashSet<ulong> ListeningInodes(int pid, int port)
    {
        var inodes = new HashSet<ulong>();
        foreach (var file in (string[])["tcp", "tcp6"])
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/net/{file}").Skip(1))
                {
                    if (ParseListening(line, port) is { } inode)
                    {
                        inodes.Add(inode);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or no IPv6 in the namespace.
            }
        }
        return inodes;
    }

    /// <summary>A /proc/net/tcp line's inode when it is a listener on <paramref name="port"/>.</summary>
    internal static ulong? ParseListening(string line, int port)
    {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 10 || fields[3] != "0A")
        {
            return null;
        }
        var colon = fields[1].LastIndexOf(':');
        return colon > 0
            && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var local) && local == port
            && ulong.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode) && inode != 0
            ? inode : null;
    }

    private static (int Fd, ulong Inode)? FdOf(int pid, HashSet<ulong> inodes)
    {
        try
        {
            foreach (var path in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                var target = new FileInfo(path).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && target.EndsWith(']')
                    && ulong.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                    && inodes.Contains(inode)
                    && int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var fd))
                {
                    return (fd, inode);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Exited while being read.
        }
        return null;
    }

    private static bool IsListener(int fd, ulong inode)
    {
        var target = new FileInfo($"/proc/self/fd/{fd.ToString(CultureInfo.InvariantCulture)}").LinkTarget;
        return target == $"socket:[{inode.ToString(CultureInfo.InvariantCulture)}]"
            && GetIntOption(fd, SoAcceptconn) == 1
            && GetIntOption(fd, SoProtocol) == IpprotoTcp;
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

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
