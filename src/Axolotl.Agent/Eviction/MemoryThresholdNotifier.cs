using System.Globalization;
using System.Runtime.InteropServices;

namespace Axolotl.Agent.Eviction;

/// <summary>
/// The eviction manager's fast path (upstream memoryThresholdNotifier, cgroup v1): the kernel signals
/// an eventfd the moment the pods cgroup's memory.usage_in_bytes crosses a value, registered through
/// cgroup.event_control, so eviction reacts between two monitoring ticks, before the pods reach their
/// cgroup limit and the OOM killer. The value is capacity − threshold + inactive file pages (usage
/// counts file pages the working set does not), refreshed by the manager as those change.
/// One thread blocks in read(2); <see cref="Dispose"/> wakes it by writing the eventfd itself.
/// </summary>
public sealed class MemoryThresholdNotifier : IDisposable
{
    private const int EfdCloexec = 0x80000;
    private const int ORdonly = 0;
    private const int OCloexec = 0x80000;

    private readonly int _eventFd;
    private readonly int _usageFd;
    private readonly Thread _thread;
    private volatile bool _disposed;

    private MemoryThresholdNotifier(int eventFd, int usageFd, Action crossed)
    {
        _eventFd = eventFd;
        _usageFd = usageFd;
        _thread = new Thread(() => Wait(crossed)) { IsBackground = true, Name = "memory threshold notifier" };
        _thread.Start();
    }

    /// <summary>The value registered, in bytes of memory.usage_in_bytes.</summary>
    public long ThresholdBytes { get; private init; }

    /// <summary>Registers a threshold on <paramref name="usageFile"/> (a v1 memory.usage_in_bytes); null when the kernel does not offer it.</summary>
    public static MemoryThresholdNotifier? TryCreate(string usageFile, long thresholdBytes, Action crossed)
    {
        var control = Path.Combine(Path.GetDirectoryName(usageFile)!, "cgroup.event_control");
        if (!File.Exists(control) || thresholdBytes <= 0)
        {
            return null;
        }
        var eventFd = EventFd(0, EfdCloexec);
        if (eventFd < 0)
        {
            return null;
        }
        var usageFd = Open(usageFile, ORdonly | OCloexec);
        if (usageFd < 0)
        {
            _ = Close(eventFd);
            return null;
        }
        try
        {
            File.WriteAllText(control, string.Create(CultureInfo.InvariantCulture, $"{eventFd} {usageFd} {thresholdBytes}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _ = Close(usageFd);
            _ = Close(eventFd);
            return null;
        }
        return new MemoryThresholdNotifier(eventFd, usageFd, crossed) { ThresholdBytes = thresholdBytes };
    }

    private void Wait(Action crossed)
    {
        var buffer = new byte[8];
        while (!_disposed)
        {
            var read = Read(_eventFd, buffer, 8);
            if (_disposed)
            {
                break;
            }
            if (read == 8)
            {
                try
                {
                    crossed();
                }
                catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
                {
                    // The listener is going away; the thread ends with the next read.
                }
            }
            else if (Marshal.GetLastPInvokeError() != 4)
            {
                // Anything but EINTR: the registration is gone (the cgroup was removed).
                break;
            }
        }
        _ = Close(_usageFd);
        _ = Close(_eventFd);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        // Wakes the reader, which then closes both descriptors (the kernel drops the registration with them).
        _ = Write(_eventFd, BitConverter.GetBytes(1UL), 8);
        _thread.Join(TimeSpan.FromSeconds(1));
    }

    [DllImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static extern int EventFd(uint initval, int flags);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint Read(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
