using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace Axolotl.Runtime;

/// <summary>
/// The window sizes of an exec's terminal on their way to the launcher's --exec-into --tty: a FIFO in
/// the agent's root-only state directory carrying "COLUMNS ROWS" lines, which the launcher applies
/// to the terminal it made in the container (TIOCSWINSZ). Opened read-write here so that writing
/// never waits for the launcher to open it.
/// </summary>
internal sealed class TerminalSizeFifo : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    private TerminalSizeFifo(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>A new FIFO under STATE/exec; null when one cannot be made (the exec then runs with the default size).</summary>
    public static TerminalSizeFifo? Create(string stateDirectory)
    {
        var directory = System.IO.Path.Combine(stateDirectory, "exec");
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N") + ".tty");
        if (!Fifo.CreateReplacing(path))
        {
            return null;
        }
        try
        {
            return new TerminalSizeFifo(path, new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(path);
            return null;
        }
    }

    internal static byte[] Line(TerminalSize size) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{size.Width} {size.Height}\n"));

    /// <summary>Writes the sizes already waiting (the launcher applies them before the command starts), then the rest as they come.</summary>
    public void Start(ChannelReader<TerminalSize> sizes)
    {
        while (sizes.TryRead(out var size))
        {
            _stream.Write(Line(size));
        }
        _pump = PumpAsync(sizes, _stop.Token);
    }

    private async Task PumpAsync(ChannelReader<TerminalSize> sizes, CancellationToken ct)
    {
        try
        {
            await foreach (var size in sizes.ReadAllAsync(ct))
            {
                await _stream.WriteAsync(Line(size), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The exec ended.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        await _stream.DisposeAsync();
        _stop.Dispose();
        File.Delete(Path);
    }
}
