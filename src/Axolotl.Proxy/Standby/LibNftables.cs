using System.Runtime.InteropServices;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// nft's own library (libnftables, which the `nft` command is a front end of), called in process: the same script
/// language and one transaction per buffer, without starting a process for each write. A readiness hint's change of a
/// few lines costs well under a millisecond on a quiet machine this way, against about 10 ms for starting `nft` alone.
/// One context per writer, created in the calling thread's network namespace; calls are serialised process-wide
/// (libnftables keeps some state outside its contexts).
/// <para>libnftables 1.0 waits for the kernel's answer to a transaction with select(), and glibc's fortified FD_SET
/// aborts the whole process for a descriptor at or above FD_SETSIZE (1024). A busy server holds that many (two per
/// relayed connection, so a pod can open them on purpose). The context's netlink socket is opened by nft_ctx_new and
/// kept for the context's life, and a new socket takes the lowest free descriptor, which is at most the number open:
/// so a context is made only while fewer than <see cref="MaxOpenForContext"/> are open (the margin covers other
/// threads opening some meanwhile), and the writer uses `nft -f` until then.</para>
/// </summary>
internal sealed class LibNftables
{
    private const string Library = "libnftables.so.1";
    private static readonly Lock Serial = new();

    private readonly nint _context;

    private LibNftables(nint context) => _context = context;

    /// <summary>Below FD_SETSIZE (1024) by a margin: see the class comment.</summary>
    public const int MaxOpenForContext = 896;

    /// <summary>
    /// A context, or null: when the library is not on this node (<paramref name="tooManyOpen"/> false: the writer runs
    /// `nft -f` from now on), or when this process has too many descriptors open to make one safely (true: try later).
    /// </summary>
    public static LibNftables? TryCreate(out bool tooManyOpen) => TryCreate(OpenDescriptors, out tooManyOpen);

    internal static LibNftables? TryCreate(Func<int> openDescriptors, out bool tooManyOpen)
    {
        tooManyOpen = false;
        try
        {
            lock (Serial)
            {
                if (openDescriptors() >= MaxOpenForContext)
                {
                    tooManyOpen = true;
                    return null;
                }
                var context = NewContext(0);
                if (context == 0)
                {
                    return null;
                }
                // Errors (and any output) into buffers we read, not onto this process's stderr and stdout.
                _ = BufferOutput(context);
                _ = BufferError(context);
                return new LibNftables(context);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }

    private static int OpenDescriptors() => Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();

    /// <summary>Runs <paramref name="script"/> as one transaction: exit code 0, or 1 and nft's error text.</summary>
    public (int ExitCode, string Errors) Run(string script)
    {
        lock (Serial)
        {
            var result = RunFromBuffer(_context, script);
            return result == 0 ? (0, "") : (1, Marshal.PtrToStringUTF8(ErrorBuffer(_context)) ?? "");
        }
    }

    [DllImport(Library, EntryPoint = "nft_ctx_new")]
    private static extern nint NewContext(uint flags);

    [DllImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    private static extern int BufferOutput(nint context);

    [DllImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    private static extern int BufferError(nint context);

    [DllImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    private static extern nint ErrorBuffer(nint context);

    [DllImport(Library, EntryPoint = "nft_run_cmd_from_buffer")]
    private static extern int RunFromBuffer(nint context, [MarshalAs(UnmanagedType.LPUTF8Str)] string buffer);
}
