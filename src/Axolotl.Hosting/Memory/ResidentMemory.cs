namespace Axolotl.Hosting.Memory;

/// <summary>The process's resident set from /proc/self/statm (one small read; Environment.WorkingSet walks more).</summary>
public static class ResidentMemory
{
    public static long Bytes() => Read().Resident;

    /// <summary>Resident bytes, and of those the anonymous ones (resident less shared: file pages and shared memory).</summary>
    internal static (long Resident, long Anonymous) Read()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            var resident = long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
            var shared = long.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
            return (resident, Math.Max(0, resident - shared));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (Environment.WorkingSet, Environment.WorkingSet);
        }
    }
}
