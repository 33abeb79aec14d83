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

    /// <param name="place">Where a host library goes in the image: Debian's merged /usr, or as the host names it.</param>
    public static EntrySet RuntimeDependencies(string publishDirectory, Func<string, string> place)
    {
        var set = new EntrySet();
        var native = AppFiles(publishDirectory).Where(LibraryClosure.IsElf).ToList();
        foreach (var library in LibraryClosure.Of(native.Concat(OpenSsl.Where(File.Exists))))
        {
            set.HostFile(place(library), library);
        }

        foreach (var library in OpenSsl.Where(File.Exists))
        {
            set.HostFile(place("/lib/x86_64-linux-gnu/" + Path.GetFileName(library)), library);
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
