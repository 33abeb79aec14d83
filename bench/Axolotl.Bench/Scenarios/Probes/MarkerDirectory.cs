using System.Globalization;

namespace Axolotl.Bench.Scenarios.Probes;

/// <summary>
/// A private folder in /dev/shm for the files containers and probe commands stamp: /dev/shm is shared
/// between containers and the host (a container's /tmp is not), and tmpfs keeps the writes cheap.
/// Dispose deletes it with everything in it.
/// </summary>
internal sealed class MarkerDirectory : IDisposable
{
    private MarkerDirectory(string path) => Path = path;

    public string Path { get; }

    public static MarkerDirectory Create(string scenario) =>
        new(Directory.CreateDirectory(System.IO.Path.Combine("/dev/shm",
            string.Create(CultureInfo.InvariantCulture, $"axolotl-bench-{scenario}-{Environment.ProcessId}-{Random.Shared.Next(1_000_000)}"))).FullName);

    /// <summary>A sub-folder (created) for one pod's files.</summary>
    public string For(string pod) => Directory.CreateDirectory(System.IO.Path.Combine(Path, pod)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A container still writing; the next boot clears /dev/shm anyway.
        }
    }
}
