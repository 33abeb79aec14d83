namespace Axolotl.Agent.Logs;

/// <summary>
/// Size-based rotation that works under a process writing with O_APPEND (the container keeps its
/// file descriptor across an agent restart): copy the file to ".1", then truncate it in place.
/// One rotated chunk is kept per instance, so a log flood costs at most twice the limit.
/// </summary>
public static class LogRotator
{
    /// <summary>Rotates <paramref name="path"/> when it is larger than <paramref name="maxBytes"/>; returns whether it did.</summary>
    public static bool RotateIfNeeded(string path, long maxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length <= maxBytes)
        {
            return false;
        }
        File.Copy(path, LogPaths.RotatedOf(path), overwrite: true);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
        return true;
    }
}
