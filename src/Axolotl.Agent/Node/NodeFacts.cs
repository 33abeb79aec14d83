using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Axolotl.Agent.Node;

/// <summary>What the node is made of, read from the host: CPUs, memory, disk, OS, kernel and address.</summary>
public sealed record NodeFacts(
    int Cpus,
    long MemoryBytes,
    long MemoryAvailableBytes,
    long DiskBytes,
    long DiskAvailableBytes,
    string OsImage,
    string KernelVersion,
    string MachineId,
    string BootId,
    string InternalIp)
{
    public static NodeFacts Read(string dataDir, string? nodeIp)
    {
        var meminfo = ReadMeminfo();
        long disk = 0, diskFree = 0;
        try
        {
            Directory.CreateDirectory(dataDir);
            var drive = new DriveInfo(dataDir);
            disk = drive.TotalSize;
            diskFree = drive.AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
        }
        return new NodeFacts(
            Environment.ProcessorCount,
            meminfo.GetValueOrDefault("MemTotal"),
            meminfo.GetValueOrDefault("MemAvailable"),
            disk,
            diskFree,
            OsRelease(),
            ReadTrimmed("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.Version.ToString(),
            ReadTrimmed("/etc/machine-id") ?? "",
            ReadTrimmed("/proc/sys/kernel/random/boot_id") ?? "",
            nodeIp ?? DetectIp());
    }

    /// <summary>/proc/meminfo in bytes.</summary>
    public static Dictionary<string, long> ReadMeminfo(string path = "/proc/meminfo")
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return result;
        }
        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var parts = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                result[line[..colon]] = parts.Length > 1 && parts[1] == "kB" ? value * 1024 : value;
            }
        }
        return result;
    }

    /// <summary>PRETTY_NAME from os-release, e.g. "Debian GNU/Linux 12 (bookworm)".</summary>
    public static string OsRelease(string path = "/etc/os-release")
    {
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    return line["PRETTY_NAME=".Length..].Trim('"');
                }
            }
        }
        return "Linux";
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The first IPv4 address of an up, non-loopback interface; loopback when there is none.</summary>
    public static string DetectIp()
    {
        foreach (var nic in Axolotl.Hosting.Network.HostInterfaces.Read())
        {
            // Pod bridges and veths are ours (or another runtime's), not the node's address.
            if (!nic.IsUp || nic.IsLoopback
                || nic.Name.StartsWith("veth", StringComparison.Ordinal) || nic.Name.StartsWith("axl", StringComparison.Ordinal)
                || nic.Name.StartsWith("cni", StringComparison.Ordinal) || nic.Name.StartsWith("docker", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var address in nic.Addresses)
            {
                if (address.AddressFamily == AddressFamily.InterNetwork)
                {
                    return address.ToString();
                }
            }
        }
        return IPAddress.Loopback.ToString();
    }
}
