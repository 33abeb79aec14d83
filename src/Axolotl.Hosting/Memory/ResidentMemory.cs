namespace Axolotl.Hosting.Memory;

/// <summary>The process's resident set from /proc/self/statm (one small read; Environment.WorkingSet walks more).</summary>
public static class ResidentMemory
{
    public static long Bytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return Environment.WorkingSet;
        }
    }
}
