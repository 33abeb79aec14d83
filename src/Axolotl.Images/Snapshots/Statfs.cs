using System.Runtime.InteropServices;

namespace Axolotl.Images.Snapshots;

/// <summary>
/// A filesystem's size, free space and inodes (statvfs(3)), as cAdvisor reports nodefs and imagefs. It
/// sits with the image store, which watches its own filesystem while it unpacks (<see cref="UnpackSpace"/>);
/// the agent's eviction signals read nodefs and imagefs through it too.
/// </summary>
public sealed record Statfs(long CapacityBytes, long AvailableBytes, long Inodes, long InodesFree, ulong Device)
{
    [StructLayout(LayoutKind.Sequential)]
    private struct StatVfs
    {
        public ulong Bsize;
        public ulong Frsize;
        public ulong Blocks;
        public ulong Bfree;
        public ulong Bavail;
        public ulong Files;
        public ulong Ffree;
        public ulong Favail;
        public ulong Fsid;
        public ulong Flag;
        public ulong Namemax;
        public int Spare0;
        public int Spare1;
        public int Spare2;
        public int Spare3;
        public int Spare4;
        public int Spare5;
    }

    [DllImport("libc", EntryPoint = "statvfs", SetLastError = true)]
    private static extern int NativeStatvfs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out StatVfs buf);

    /// <summary>The filesystem holding <paramref name="path"/>; null when it cannot be read.</summary>
    public static Statfs? Of(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (NativeStatvfs(path, out var s) != 0)
        {
            return null;
        }
        var unit = s.Frsize == 0 ? s.Bsize : s.Frsize;
        return new Statfs((long)(s.Blocks * unit), (long)(s.Bavail * unit), (long)s.Files, (long)s.Ffree, s.Fsid);
    }
}
