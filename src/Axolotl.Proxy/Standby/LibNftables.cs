using System.Runtime.InteropServices;

namespace Axolotl.Proxy.Standby;

/// <summary>
/// nft's own library (libnftables, which the `nft` command is a front end of), called in process: the same script
/// language and one transaction per buffer, without starting a process for each write. A readiness hint's change of a
/// few lines costs well under a millisecond on a quiet machine this way, against about 10 ms for starting `nft` alone.
/// One context per writer, created in the calling thread's network namespace; calls are serialised process-wide
/// (libnftables keeps some state outside its contexts).
/// </summary>
internal sealed class LibNftables
{
    private const string Library = "libnftables.so.1";
    private static readonly Lock Serial = new();

    private readonly nint _context;

    private LibNftables(nint context) => _context = context;

    /// <summary>A context, or null when the library is not on this node (the writer then runs `nft -f`).</summary>
    public static LibNftables? TryCreate()
    {
        try
        {
            lock (Serial)
            {
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
