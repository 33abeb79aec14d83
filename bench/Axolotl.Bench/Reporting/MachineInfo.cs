using System.Runtime.InteropServices;

namespace Axolotl.Bench.Reporting;

/// <summary>The machine a run happened on, read from /proc and the runtime.</summary>
internal sealed record MachineInfo(
    string CpuModel,
    int Cores,
    long MemoryMegabytes,
    string Kernel,
    string Os,
    string DotNet,
    string Kubectl)
{
    public static MachineInfo Read(string kubectlVersion) => new(
        CpuModel: ProcLine("/proc/cpuinfo", "model name") ?? "unknown",
        Cores: Environment.ProcessorCount,
        MemoryMegabytes: (ParseKilobytes(ProcLine("/proc/meminfo", "MemTotal")) ?? 0) / 1024,
        Kernel: ReadTrimmed("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription,
        Os: OsPrettyName() ?? RuntimeInformation.OSDescription,
        DotNet: RuntimeInformation.FrameworkDescription,
        Kubectl: kubectlVersion);

    /// <summary>The value after the colon of the first line starting with <paramref name="key"/> in a /proc "key: value" file.</summary>
    public static string? ProcLine(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0 && line[..colon].Trim() == key)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        return null;
    }

    /// <summary>"123456 kB" → 123456.</summary>
    public static long? ParseKilobytes(string? value)
    {
        var number = value?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(number, out var kb) ? kb : null;
    }

    private static string? ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;

    private static string? OsPrettyName()
    {
        const string key = "PRETTY_NAME=";
        var line = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))
            : null;
        return line?[key.Length..].Trim('"');
    }
}
