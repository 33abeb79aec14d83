using System.Text;
using Axolotl.Runtime.Logs;

namespace Axolotl.Agent.Logs;

/// <summary>
/// Size-based rotation for plain logs, which the shell chain's container writes itself with O_APPEND
/// (it keeps its file descriptor across an agent restart): copy the file to ".1", then truncate it
/// in place. One rotated chunk is kept per instance, so a log flood costs at most twice the limit.
/// CRI logs are left alone: their writer (the native launcher, <see cref="ContainerLogWriter"/>)
/// rotates them itself, and copy-truncating under the launcher would overwrite its ".1" and cut a
/// record in two.
/// </summary>
public static class LogRotator
{
    /// <summary>Rotates a plain log <paramref name="path"/> larger than <paramref name="maxBytes"/>; returns whether it did.</summary>
    public static bool RotateIfNeeded(string path, long maxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length <= maxBytes || StartsWithCriRecord(path))
        {
            return false;
        }
        Rotate(path);
        return true;
    }

    /// <summary>Copies <paramref name="path"/> to ".1" (replacing it) and truncates it.</summary>
    public static void Rotate(string path)
    {
        File.Copy(path, RotatedLog.PathOf(path), overwrite: true);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
    }

    /// <summary>Whether the file's first line is a CRI record (read from its first bytes only).</summary>
    public static bool StartsWithCriRecord(string path)
    {
        var buffer = new byte[64];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        return LogLine.IsCriRecord(Encoding.UTF8.GetString(buffer, 0, read));
    }
}
