namespace Axolotl.Agent.Eviction;

/// <summary>Bytes and inodes a directory tree takes (du), with the part in log files apart.</summary>
public readonly record struct DiskUsage(long Bytes, long LogBytes, long Inodes)
{
    public static DiskUsage Of(string directory)
    {
        long bytes = 0, logs = 0, inodes = 0;
        if (!Directory.Exists(directory))
        {
            return default;
        }
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        try
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", options))
            {
                inodes++;
                if (entry is FileInfo file)
                {
                    bytes += file.Length;
                    if (file.Name.EndsWith(".log", StringComparison.Ordinal) || file.Name.EndsWith(".log.1", StringComparison.Ordinal))
                    {
                        logs += file.Length;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A container's files change while they are counted: what was counted stands.
        }
        return new DiskUsage(bytes, logs, inodes);
    }
}
