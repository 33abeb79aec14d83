using System.Text;
using Axolotl.Runtime.Logs;

namespace Axolotl.Agent.Pods;

/// <summary>
/// A container's terminationMessagePath and terminationMessagePolicy, as the kubelet honours them: a file
/// of the attempt's own on the node, bound at the path inside the container, read after the exit (its
/// last 4 KiB) into state.terminated.message; with FallbackToLogsOnError, an empty file and a failed
/// exit take the log's last 80 lines (at most 2 KiB) instead.
/// </summary>
internal static class TerminationMessage
{
    public const int MaxFileBytes = 4 * 1024;
    public const int MaxLogBytes = 2 * 1024;
    public const int MaxLogLines = 80;

    /// <summary>The node file for the attempt whose log is <paramref name="logPath"/> ("N.log" → "N.termination-log", never taken for a log).</summary>
    public static string FileFor(string logPath) => Path.ChangeExtension(logPath, ".termination-log");

    /// <summary>
    /// Creates the attempt's empty file, writable by any user the container runs as (as the kubelet's 0666).
    /// One made already is kept: an attempt started at once on a crash (armed) may be writing it.
    /// </summary>
    public static string Prepare(string logPath)
    {
        var path = FileFor(logPath);
        if (File.Exists(path))
        {
            return path;
        }

        File.WriteAllBytes(path, []);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        return path;
    }

    /// <summary>The message of an ended attempt; the file is removed once read. Null when there is none.</summary>
    public static string? Read(string logPath, string? policy, int exitCode)
    {
        var path = FileFor(logPath);
        string? message = null;
        var info = new FileInfo(path);
        // The container writes the content only; a link in its place is not followed all the same.
        if (info.Exists && info.LinkTarget is null)
        {
            message = Tail(path, MaxFileBytes);
        }

        if (info.Exists)
        {
            File.Delete(path);
        }

        if (string.IsNullOrEmpty(message) && policy == "FallbackToLogsOnError" && exitCode != 0)
        {
            message = LogTail(logPath);
        }

        return string.IsNullOrEmpty(message) ? null : message;
    }

    private static string Tail(string path, int max)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var start = Math.Max(0, stream.Length - max);
        stream.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - start];
        stream.ReadExactly(buffer);
        return Encoding.UTF8.GetString(buffer);
    }

    /// <summary>The text of the CRI log's last lines ("&lt;time&gt; &lt;stream&gt; &lt;F|P&gt; &lt;text&gt;"; P continues on the next record).</summary>
    private static string? LogTail(string logPath)
    {
        if (!File.Exists(logPath))
        {
            return null;
        }

        // 80 lines of at most 2 KiB come from the file's end; 64 KiB leaves room for the records' prefixes.
        var lines = new List<StringBuilder> { new() };
        foreach (var record in Tail(logPath, 64 * 1024).Split('\n'))
        {
            var parts = record.Split(' ', 4);
            if (parts.Length < 3)
            {
                continue;
            }

            lines[^1].Append(parts.Length == 4 ? parts[3] : "");
            if (parts[2] == "F")
            {
                lines[^1].Append('\n');
                lines.Add(new StringBuilder());
            }
        }

        var text = string.Concat(lines.TakeLast(MaxLogLines + 1).Select(l => l.ToString()));
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length <= MaxLogBytes ? text : Encoding.UTF8.GetString(bytes, bytes.Length - MaxLogBytes, MaxLogBytes);
    }
}
