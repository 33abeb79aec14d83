namespace Axolotl.Agent.Images;

/// <summary>
/// Finds the axolotl-sampleapps executable: a configured path, else next to the running axolotl
/// binary (the build puts it there). A framework-dependent build without apphost runs the dll via
/// the dotnet host.
/// </summary>
public static class SampleAppsLocator
{
    public const string ExecutableName = "axolotl-sampleapps";

    /// <summary>The argv prefix that starts the sample apps (one element for the apphost, two for "dotnet x.dll").</summary>
    public static IReadOnlyList<string> Locate(string? configuredPath, string? baseDirectory = null)
    {
        if (!string.IsNullOrEmpty(configuredPath))
        {
            return FromPath(Path.GetFullPath(configuredPath));
        }

        foreach (var dir in new[] { baseDirectory ?? AppContext.BaseDirectory, Path.GetDirectoryName(Environment.ProcessPath) })
        {
            if (string.IsNullOrEmpty(dir))
            {
                continue;
            }

            var apphost = Path.Combine(dir, ExecutableName);
            if (File.Exists(apphost))
            {
                return [apphost];
            }

            var dll = apphost + ".dll";
            if (File.Exists(dll))
            {
                return [DotnetHost(), dll];
            }
        }

        // Not found: keep the expected path so the container fails to start with a clear
        // "executable not found" rather than running something else.
        return [Path.Combine(baseDirectory ?? AppContext.BaseDirectory, ExecutableName)];
    }

    private static IReadOnlyList<string> FromPath(string path) =>
        path.EndsWith(".dll", StringComparison.Ordinal) ? [DotnetHost(), path] : [path];

    private static string DotnetHost()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
