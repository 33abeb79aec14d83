using System.Diagnostics;

namespace Axolotl.SeedImages.Layers;

/// <summary>
/// A root made of installed Debian packages (what `dpkg -L` lists, documentation left out) plus the
/// libraries their programs load, laid out with Debian 12's merged /usr.
/// </summary>
public static class DebianPackagesLayer
{
    private static readonly string[] Skipped = ["/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/locale/", "/usr/share/lintian/", "/usr/share/bug/"];

    public static EntrySet Add(EntrySet set, IEnumerable<string> packages)
    {
        var elf = new List<string>();
        foreach (var package in packages)
        {
            foreach (var hostPath in Files(package))
            {
                if (Usrmerge.IsMergedTop(hostPath) || hostPath == "/." || Skipped.Any(s => hostPath.StartsWith(s, StringComparison.Ordinal)))
                {
                    continue;
                }

                var info = new FileInfo(hostPath);
                var imagePath = Usrmerge.Path(hostPath);
                if (info.LinkTarget is { } target)
                {
                    set.Symlink(imagePath, target);
                }
                else if (Directory.Exists(hostPath))
                {
                    set.Directory(imagePath, File.GetUnixFileMode(hostPath) & (UnixFileMode)0b111_111_111_111);
                }
                else if (info.Exists)
                {
                    set.HostFile(imagePath, hostPath);
                    if (LibraryClosure.IsElf(hostPath))
                    {
                        elf.Add(hostPath);
                    }
                }
            }
        }

        foreach (var library in LibraryClosure.Of(elf))
        {
            set.HostFile(Usrmerge.Path(library), library);
        }

        return Usrmerge.AddLinks(set);
    }

    private static IEnumerable<string> Files(string package)
    {
        var psi = new ProcessStartInfo("dpkg-query") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (HostInputs.DpkgAdminDirectory is { } admin)
        {
            psi.ArgumentList.Add("--admindir=" + admin);
        }

        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(package);
        Process? started;
        try
        {
            started = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No dpkg (not a Debian machine, or a PATH without it): no package can be read.
            throw new MissingInputException(package, $"package {package} cannot be read: dpkg-query is not on PATH");
        }

        using var process = started ?? throw new InvalidOperationException("cannot run dpkg-query");
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new MissingInputException(package, $"package {package} is not installed");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
