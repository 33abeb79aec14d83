using System.Diagnostics;

namespace Axolotl.SeedImages.Layers;

/// <summary>
/// The busybox image's root from Debian's busybox-static: the binary in /bin, every applet a link to
/// it where Debian installs it, the accounts and directories of the official image.
/// </summary>
public static class BusyboxLayer
{
    public const string HostBinary = "/bin/busybox";

    public static EntrySet Build()
    {
        if (!File.Exists(HostBinary) || LibraryClosure.Of([HostBinary]).Count > 0)
        {
            throw new InvalidOperationException($"{HostBinary} must be Debian's static busybox (apt-get install busybox-static)");
        }

        var set = new EntrySet();
        set.HostFile("/bin/busybox", HostBinary);
        foreach (var applet in Applets())
        {
            set.Symlink("/" + applet, "/bin/busybox");
        }

        return UnixAccounts.AddRoot(set, UnixAccounts.BusyboxPasswd, UnixAccounts.BusyboxGroup, "hosts: files dns\n")
            .Directory("/var/spool/mail")
            .Directory("/var/www")
            .Directory("/usr/sbin")
            .Directory("/usr/local/bin");
    }

    private static IEnumerable<string> Applets()
    {
        var psi = new ProcessStartInfo(HostBinary, "--list-full") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot run busybox");
        var list = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(a => a != "bin/busybox")
            .Order(StringComparer.Ordinal);
    }
}
