using System.Diagnostics;

namespace Axolotl.SeedImages.Layers;

/// <summary>
/// The busybox image's root from Debian's busybox-static: the binary in /bin, every applet a link to
/// it where Debian installs it, the accounts and directories of the official image.
/// </summary>
public static class BusyboxLayer
{
    public const string Package = "busybox-static";

    public static EntrySet Build()
    {
        var hostBinary = HostInputs.Busybox;
        if (!File.Exists(hostBinary) || LibraryClosure.Of([hostBinary]).Count > 0)
        {
            // A dynamic busybox (package busybox) cannot run in an image without a C library.
            throw new MissingInputException(Package, $"{hostBinary} is not Debian's static busybox");
        }

        var set = new EntrySet();
        set.HostFile("/bin/busybox", hostBinary);
        foreach (var applet in Applets(hostBinary))
        {
            set.Symlink("/" + applet, "/bin/busybox");
        }

        return UnixAccounts.AddRoot(set, UnixAccounts.BusyboxPasswd, UnixAccounts.BusyboxGroup, "hosts: files dns\n")
            .Directory("/var/spool/mail")
            .Directory("/var/www")
            .Directory("/usr/sbin")
            .Directory("/usr/local/bin");
    }

    private static IEnumerable<string> Applets(string hostBinary)
    {
        var psi = new ProcessStartInfo(hostBinary, "--list-full") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot run busybox");
        var list = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(a => a != "bin/busybox")
            .Order(StringComparer.Ordinal);
    }
}
