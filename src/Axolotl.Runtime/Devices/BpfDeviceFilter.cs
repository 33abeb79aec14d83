using System.Runtime.InteropServices;

namespace Axolotl.Runtime.Devices;

/// <summary>
/// Loads a <see cref="DeviceFilterProgram"/> and attaches it to a cgroup2 directory (BPF_CGROUP_DEVICE),
/// replacing what was attached there before as runc does: the new program is attached beside the old
/// ones (BPF_F_ALLOW_MULTI) and then they are detached, so the cgroup is never without a filter; while
/// both are in place a device must pass both. Programs attached to ancestors keep applying. The
/// attachment holds the program: it lives as long as the cgroup or until replaced.
/// </summary>
internal static class BpfDeviceFilter
{
    private const int BpfProgLoad = 5;
    private const int BpfProgAttach = 8;
    private const int BpfProgDetach = 9;
    private const int BpfProgGetFdById = 13;
    private const int BpfProgQuery = 16;
    private const int ProgTypeCgroupDevice = 15;
    private const int AttachTypeCgroupDevice = 6;
    private const int FlagAllowMulti = 2;
    private const int AttrSize = 128;
    private const int ORdonlyCloexec = 0x80000;
    private const int Enoent = 2;

    /// <summary>Attaches the rules' program to the cgroup directory; throws <see cref="IOException"/> with the kernel's reason when it cannot.</summary>
    public static void Attach(string cgroupDirectory, IReadOnlyList<DeviceRule> rules)
    {
        var cgroup = Open(cgroupDirectory, ORdonlyCloexec);
        if (cgroup < 0)
        {
            throw new IOException($"cannot open cgroup {cgroupDirectory}: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            var old = Query(cgroup);
            var program = Load(DeviceFilterProgram.Bytes(DeviceFilterProgram.Build(rules)));
            try
            {
                Call(BpfProgAttach, a =>
                {
                    Marshal.WriteInt32(a, 0, cgroup);
                    Marshal.WriteInt32(a, 4, program);
                    Marshal.WriteInt32(a, 8, AttachTypeCgroupDevice);
                    Marshal.WriteInt32(a, 12, FlagAllowMulti);
                }, $"cannot attach the device filter to {cgroupDirectory}");
            }
            finally
            {
                _ = Close(program);
            }

            foreach (var id in old)
            {
                Detach(cgroup, id, cgroupDirectory);
            }
        }
        finally
        {
            _ = Close(cgroup);
        }
    }

    /// <summary>The ids of the device programs attached to the cgroup itself (not its ancestors').</summary>
    internal static List<uint> Attached(string cgroupDirectory)
    {
        var cgroup = Open(cgroupDirectory, ORdonlyCloexec);
        if (cgroup < 0)
        {
            throw new IOException($"cannot open cgroup {cgroupDirectory}: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            return Query(cgroup);
        }
        finally
        {
            _ = Close(cgroup);
        }
    }

    private static List<uint> Query(int cgroup)
    {
        const int Max = 64;
        var ids = Marshal.AllocHGlobal(Max * sizeof(uint));
        try
        {
            var count = 0;
            Call(BpfProgQuery, a =>
            {
                Marshal.WriteInt32(a, 0, cgroup);
                Marshal.WriteInt32(a, 4, AttachTypeCgroupDevice);
                Marshal.WriteInt64(a, 16, ids);
                Marshal.WriteInt32(a, 24, Max);
            }, "cannot list the cgroup's device filters", a => count = Marshal.ReadInt32(a, 24));
            var result = new List<uint>(count);
            for (var i = 0; i < count; i++)
            {
                result.Add((uint)Marshal.ReadInt32(ids, i * sizeof(uint)));
            }

            return result;
        }
        finally
        {
            Marshal.FreeHGlobal(ids);
        }
    }

    private static void Detach(int cgroup, uint id, string cgroupDirectory)
    {
        var program = -1;
        try
        {
            program = (int)Call(BpfProgGetFdById, a => Marshal.WriteInt32(a, 0, (int)id), $"cannot open device filter {id} of {cgroupDirectory}");
        }
        catch (IOException e) when (e.HResult == Enoent)
        {
            return; // ENOENT: gone meanwhile.
        }

        try
        {
            Call(BpfProgDetach, a =>
            {
                Marshal.WriteInt32(a, 0, cgroup);
                Marshal.WriteInt32(a, 4, program);
                Marshal.WriteInt32(a, 8, AttachTypeCgroupDevice);
            }, $"cannot detach the old device filter {id} from {cgroupDirectory}");
        }
        finally
        {
            _ = Close(program);
        }
    }

    private static int Load(byte[] instructions)
    {
        var code = Marshal.AllocHGlobal(instructions.Length);
        var license = Marshal.StringToHGlobalAnsi("Apache-2.0");
        const int LogSize = 1 << 16;
        var log = Marshal.AllocHGlobal(LogSize);
        try
        {
            Marshal.Copy(instructions, 0, code, instructions.Length);
            Marshal.WriteByte(log, 0);
            return (int)Call(BpfProgLoad, a =>
            {
                Marshal.WriteInt32(a, 0, ProgTypeCgroupDevice);
                Marshal.WriteInt32(a, 4, instructions.Length / 8);
                Marshal.WriteInt64(a, 8, code);
                Marshal.WriteInt64(a, 16, license);
                // The verifier's log only says something when it refuses: level 1 costs nothing otherwise.
                Marshal.WriteInt32(a, 24, 1);
                Marshal.WriteInt32(a, 28, LogSize);
                Marshal.WriteInt64(a, 32, log);
            }, "cannot load the device filter", onError: () => Marshal.PtrToStringAnsi(log)?.Trim() ?? "");
        }
        finally
        {
            Marshal.FreeHGlobal(code);
            Marshal.FreeHGlobal(license);
            Marshal.FreeHGlobal(log);
        }
    }

    private static long Call(int command, Action<nint> fill, string what, Action<nint>? after = null, Func<string>? onError = null)
    {
        var attr = Marshal.AllocHGlobal(AttrSize);
        try
        {
            for (var i = 0; i < AttrSize; i += 8)
            {
                Marshal.WriteInt64(attr, i, 0);
            }

            fill(attr);
            var result = Syscall(SyscallNumber, command, attr, AttrSize);
            if (result < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                var detail = onError?.Invoke() is { Length: > 0 } log ? $" ({log})" : "";
                // The errno rides as the HResult: a caller tells "gone meanwhile" from a failure by it.
                throw new IOException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}{detail}", errno);
            }

            after?.Invoke(attr);
            return result;
        }
        finally
        {
            Marshal.FreeHGlobal(attr);
        }
    }

    private static long SyscallNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var other => throw new PlatformNotSupportedException($"bpf(2) on {other}"),
    };

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, long command, nint attr, long size);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
