using Axolotl.Images;
using Axolotl.Images.Distribution;
using Axolotl.Images.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Images.Tests;

/// <summary>
/// An image the node holds by name whose blobs are gone or damaged: a start under Never or IfNotPresent pulls nothing
/// and fails as containerd's container creation does, with a reason, instead of leaving the pod ContainerCreating.
/// </summary>
public sealed class BrokenPresentImageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("axolotl-broken-image-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("Never")]
    [InlineData("IfNotPresent")]
    public async Task A_present_image_whose_blobs_are_missing_fails_creation_with_a_reason(string pullPolicy)
    {
        var images = new ImageService(new ImageServiceOptions { Root = Path.Combine(_root, "image-store"), Airgap = true }, TimeProvider.System, NullLogger.Instance);
        images.Records.Put(new ImageRecord("docker.io/library/broken:1", "sha256:" + new string('a', 64), "sha256:" + new string('a', 64),
            "sha256:" + new string('b', 64), 10, DateTimeOffset.UnixEpoch));
        var pulling = 0;

        var result = await images.EnsureAsync("broken:1", pullPolicy, _ => Task.FromResult<IReadOnlyList<RegistryCredential>>([]), () => pulling++, CancellationToken.None);

        Assert.Null(result.Resolution.Image);
        Assert.Equal("CreateContainerError", result.Resolution.Reason);
        Assert.StartsWith("failed to create containerd container: failed to prepare the rootfs of image \"docker.io/library/broken:1\": ",
            result.Resolution.Message, StringComparison.Ordinal);
        Assert.Equal(0, pulling);
    }
}
