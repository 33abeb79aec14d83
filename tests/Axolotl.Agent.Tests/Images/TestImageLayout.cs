using Axolotl.Images;
using Axolotl.Images.Building;
using Axolotl.Images.Content;
using Axolotl.Images.Oci;

namespace Axolotl.Agent.Tests.Images;

/// <summary>
/// A small OCI image layout for agents on the fake runtime, bundled as the build bundles the seed
/// images: one tiny layer under the names the agent tests run (busybox, nginx), built once per test run.
/// </summary>
internal static class TestImageLayout
{
    public static readonly string[] Names = ["docker.io/library/busybox:1.36", "docker.io/library/busybox:latest", "docker.io/library/nginx:1.25"];

    private static readonly Lazy<Task<string>> Built = new(BuildAsync);

    /// <summary>Image options for a node whose data lives in <paramref name="nodeDataDir"/>, with the test layout bundled.</summary>
    public static async Task<ImageServiceOptions> OptionsAsync(string nodeDataDir) => new()
    {
        Root = Path.Combine(nodeDataDir, ImageServiceOptions.StoreDirectoryName),
        BundledLayouts = [await Built.Value],
        // Tests never reach a registry: the bundled layout answers, as on an airgapped node.
        Airgap = true,
    };

    private static async Task<string> BuildAsync()
    {
        var directory = Directory.CreateTempSubdirectory("axolotl-test-layout-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        var store = new ContentStore(directory);
        var layer = await LayerWriter.WriteAsync(store, [LayerEntry.File("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")], LayerCompression.None, CancellationToken.None);
        var manifest = await ImageWriter.WriteImageAsync(store, [layer],
            new OciContainerConfig { Cmd = ["sh"], Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] }, CancellationToken.None);
        await ImageWriter.WriteLayoutIndexAsync(store, [.. Names.Select(n => (n, manifest))], CancellationToken.None);
        return directory;
    }
}
