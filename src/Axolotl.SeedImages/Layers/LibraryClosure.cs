using System.Diagnostics;

namespace Axolotl.SeedImages.Layers;

/// <summary>The shared libraries ELF files load (ldd's answer, the loader included), as host paths.</summary>
public static class LibraryClosure
{
    public static bool IsElf(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            return file.Read(magic) == 4 && magic[0] == 0x7f && magic[1] == (byte)'E' && magic[2] == (byte)'L' && magic[3] == (byte)'F';
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Every library the files need; a library ldd cannot find (an optional tracer) is left out.</summary>
    public static SortedSet<string> Of(IEnumerable<string> elfFiles)
    {
        var libraries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in elfFiles)
        {
            foreach (var line in Ldd(file))
            {
                var text = line.Trim();
                var arrow = text.IndexOf("=>", StringComparison.Ordinal);
                var path = (arrow >= 0 ? text[(arrow + 2)..] : text).Trim();
                var paren = path.IndexOf(" (", StringComparison.Ordinal);
                if (paren >= 0)
                {
                    path = path[..paren];
                }

                if (path.StartsWith('/') && File.Exists(path))
                {
                    libraries.Add(path);
                }
            }
        }

        return libraries;
    }

    private static IReadOnlyList<string> Ldd(string file)
    {
        var psi = new ProcessStartInfo("ldd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(file);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot run ldd");
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        // Exit 1 with "not a dynamic executable" for static files: nothing to add.
        return process.ExitCode == 0 ? output.Split('\n') : [];
    }
}
