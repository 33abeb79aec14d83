using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Axolotl.Images.Snapshots;

/// <summary>
/// A directory opened once, whose contents are reached only beneath it: a relative path is opened with
/// openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), so no component may be a
/// symlink and nothing can lead out of it, not even a link swapped in after a check. Where openat2 is
/// missing (ENOSYS, kernels before 5.6) the same walk is done one component at a time with
/// openat(O_NOFOLLOW). The callers resolve an image's symlinks themselves, as paths of the image, and
/// hand over paths that must have none.
/// </summary>
internal sealed class RootedDirectory : IDisposable
{
    private const long OpenAt2 = 437; // one number on every architecture
    private const ulong ResolveNoMagicLinks = 0x02;
    private const ulong ResolveNoSymlinks = 0x04;
    private const ulong ResolveBeneath = 0x08;
    private static bool s_openAt2Missing;

    private RootedDirectory(SafeFileHandle handle, string path)
    {
        Handle = handle;
        Path = path;
    }

    public SafeFileHandle Handle { get; }

    /// <summary>Where the directory was when it was opened (for messages and whole-tree removal).</summary>
    public string Path { get; }

    public static RootedDirectory Open(string path) =>
        new(NativeFiles.OpenPath(path, NativeFiles.ReadOnly | NativeFiles.Directory | NativeFiles.NoFollow), path);

    /// <summary>The directory at <paramref name="parts"/> (none: the root itself); null when a part is missing, not a directory, or a symlink.</summary>
    public SafeFileHandle? OpenDirectory(IReadOnlyList<string> parts) =>
        Open(parts, NativeFiles.ReadOnly | NativeFiles.Directory | NativeFiles.NoFollow);

    /// <summary>A regular file at <paramref name="parts"/>, for reading; null as for <see cref="OpenDirectory"/>.</summary>
    public SafeFileHandle? OpenFile(IReadOnlyList<string> parts)
    {
        var handle = Open(parts, NativeFiles.ReadOnly | NativeFiles.NoFollow);
        if (handle is not null && !NativeFiles.StatOf(handle).IsRegular)
        {
            // A fifo or device opened for reading would block or touch hardware: only files are read.
            handle.Dispose();
            return null;
        }

        return handle;
    }

    private SafeFileHandle? Open(IReadOnlyList<string> parts, int flags)
    {
        foreach (var part in parts)
        {
            if (part is "" or "." or ".." || part.Contains('/', StringComparison.Ordinal) || part.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"not a path component: \"{part}\"", nameof(parts));
            }
        }

        var relative = parts.Count == 0 ? "." : string.Join('/', parts);
        if (!s_openAt2Missing)
        {
            var how = new OpenHow { Flags = (ulong)(flags | NativeFiles.CloseOnExec), Resolve = ResolveBeneath | ResolveNoSymlinks | ResolveNoMagicLinks };
            var fd = (int)Syscall(OpenAt2, Handle, relative, ref how, (nuint)Marshal.SizeOf<OpenHow>());
            if (fd >= 0)
            {
                return new SafeFileHandle(fd, ownsHandle: true);
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != 38 /* ENOSYS */)
            {
                return Missing(errno, relative);
            }

            s_openAt2Missing = true;
        }

        return Walk(parts, flags);
    }

    private SafeFileHandle? Walk(IReadOnlyList<string> parts, int flags)
    {
        SafeFileHandle? current = null;
        try
        {
            for (var i = 0; i < parts.Count; i++)
            {
                var last = i == parts.Count - 1;
                var next = NativeFiles.OpenAt(current ?? Handle, parts[i],
                    last ? flags : NativeFiles.ReadOnly | NativeFiles.Directory | NativeFiles.NoFollow, 0, out var errno);
                if (next is null)
                {
                    return Missing(errno, string.Join('/', parts));
                }

                current?.Dispose();
                current = next;
            }

            if (current is null)
            {
                return NativeFiles.OpenAt(Handle, ".", flags, 0, out var errno) ?? Missing(errno, ".");
            }

            var result = current;
            current = null;
            return result;
        }
        finally
        {
            current?.Dispose();
        }
    }

    private SafeFileHandle? Missing(int errno, string relative) => errno switch
    {
        // Missing, a file where a directory is wanted, a symlink on the way, or a way out: nothing to open here.
        2 /* ENOENT */ or 20 /* ENOTDIR */ or 40 /* ELOOP */ or 18 /* EXDEV */ => null,
        _ => throw NativeFiles.Error("openat2", System.IO.Path.Combine(Path, relative), errno),
    };

    public void Dispose() => Handle.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, SafeFileHandle dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref OpenHow how, nuint size);
}
