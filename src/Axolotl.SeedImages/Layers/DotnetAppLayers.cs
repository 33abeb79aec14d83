namespace Axolotl.SeedImages.Layers;

/// <summary>
/// The sample apps as a self-contained, trimmed .NET build: its runtime dependencies (the libraries
/// its native parts load, and OpenSSL, which the runtime opens on first use) and the app in /app.
/// </summary>
public static class DotnetAppLayers
{
    public const string AppDirectory = "/app";
    public const string Executable = AppDirectory + "/axolotl-sampleapps";

    // Debugger and tracing support the apps never use (the tracer's lttng library is not even installed).
    private static readonly HashSet<string> Left = new(StringComparer.Ordinal)
    {
        "libcoreclrtraceptprovider.so", "libmscordbi.so", "libmscordaccore.so", "createdump",
    };

    private static readonly string[] OpenSsl = ["/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3"];

    /// <summary>The libraries the apps' native parts load, and OpenSSL: (path in the image as the host names it, host file).</summary>
    public static IReadOnlyList<(string ImagePath, string HostPath)> RuntimeLibraries(string publishDirectory)
    {
        var native = AppFiles(publishDirectory).Where(LibraryClosure.IsElf).ToList();
        var openSsl = OpenSsl.Where(File.Exists).ToList();
        return
        [
            .. LibraryClosure.Of(native.Concat(openSsl)).Select(l => (l, l)),
            .. openSsl.Select(l => ("/lib/x86_64-linux-gnu/" + Path.GetFileName(l), l)),
        ];
    }

    /// <param name="place">Where a library goes in the image: Debian's merged /usr, or as the host names it.</param>
    public static EntrySet RuntimeDependencies(IReadOnlyList<(string ImagePath, string HostPath)> libraries, Func<string, string> place)
    {
        var set = new EntrySet();
        foreach (var (imagePath, hostPath) in libraries)
        {
            set.HostFile(place(imagePath), hostPath);
        }

        return set;
    }

    public static EntrySet App(string publishDirectory)
    {
        if (!File.Exists(Path.Combine(publishDirectory, "axolotl-sampleapps")))
        {
            throw new InvalidOperationException($"{publishDirectory} holds no self-contained axolotl-sampleapps build");
        }

        var set = new EntrySet();
        foreach (var file in AppFiles(publishDirectory))
        {
            set.HostFile(AppDirectory + "/" + Path.GetRelativePath(publishDirectory, file), file);
        }

        return set.Symlink("/usr/local/bin/axolotl-sampleapps", Executable);
    }

    private static IEnumerable<string> AppFiles(string publishDirectory) =>
        Directory.EnumerateFiles(publishDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !Left.Contains(Path.GetFileName(f)) && !f.EndsWith(".pdb", StringComparison.Ordinal) && !f.EndsWith(".dbg", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
