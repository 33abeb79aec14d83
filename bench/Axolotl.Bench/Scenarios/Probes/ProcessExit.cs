using System.Runtime.InteropServices;

namespace Axolotl.Bench.Scenarios.Probes;

/// <summary>
/// When a process that is not our child exits, to the microsecond: a pidfd (pidfd_open, Linux 5.3+)
/// becomes readable the moment the process ends, and a thread blocked in poll() on it stamps the
/// realtime clock as it wakes. No polling of /proc, so no quantisation and next to no CPU.
/// </summary>
internal static partial class ProcessExit
{
    private const int SysPidfdOpen = 434; // the same number on every architecture
    private const short PollIn = 0x001;
    private const int SliceMilliseconds = 200;

    /// <summary>Completes with the exit's realtime stamp (µs since the epoch); null when <paramref name="pid"/> is already gone.</summary>
    public static Task<long>? Watch(int pid, TimeSpan timeout, CancellationToken ct)
    {
        var fd = PidfdOpen(SysPidfdOpen, pid, 0);
        if (fd < 0)
        {
            return null;
        }
        return Task.Factory.StartNew(() =>
        {
            try
            {
                var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
                while (true)
                {
                    // Short slices so that cancellation is noticed; an exit wakes poll() at once whatever the slice.
                    var ready = Poll(fd);
                    if (ready > 0)
                    {
                        return Stamps.UnixMicrosNow();
                    }
                    ct.ThrowIfCancellationRequested();
                    if (Environment.TickCount64 > deadline)
                    {
                        throw new TimeoutException($"process {pid} still running after {timeout.TotalSeconds:F0} s");
                    }
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static unsafe int Poll(int fd)
    {
        var entry = new PollFd { Fd = fd, Events = PollIn };
        return PollNative(&entry, 1, SliceMilliseconds);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial int PidfdOpen(nint number, int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "poll")]
    private static unsafe partial int PollNative(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
