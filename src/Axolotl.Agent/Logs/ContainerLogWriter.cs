using System.Text;
using Axolotl.Runtime.Logs;

namespace Axolotl.Agent.Logs;

/// <summary>
/// Copies a container's stdout or stderr into its log file in CRI format, one timestamped line at a
/// time, rotating by size. For runtimes that pipe the output through the agent; the native launcher
/// writes the same format itself, and the shell chain hands the file straight to the process,
/// which writes plain lines that the reader accepts too.
/// </summary>
public sealed class ContainerLogWriter(string path, long maxBytes, TimeProvider time)
{
    private readonly Lock _lock = new();
    private const int MaxLine = 16 * 1024;

    /// <summary>Reads <paramref name="source"/> to its end, writing each line tagged with <paramref name="streamName"/> (stdout/stderr).</summary>
    public async Task PumpAsync(Stream source, string streamName, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var pending = new List<byte>();
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    Write(streamName, partial: false, pending);
                    pending.Clear();
                }
                else
                {
                    pending.Add(buffer[i]);
                    if (pending.Count >= MaxLine)
                    {
                        Write(streamName, partial: true, pending);
                        pending.Clear();
                    }
                }
            }
        }
        if (pending.Count > 0)
        {
            Write(streamName, partial: false, pending);
        }
    }

    private void Write(string streamName, bool partial, List<byte> text)
    {
        var line = LogLine.Format(time.GetUtcNow(), streamName, partial, Encoding.UTF8.GetString([.. text])) + "\n";
        lock (_lock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, line);
            if (new FileInfo(path).Length > maxBytes)
            {
                LogRotator.Rotate(path);
            }
        }
    }
}
