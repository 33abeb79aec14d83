using Axolotl.E2E.Tests.Harness.Images;

namespace Axolotl.E2E.Tests.Images;

/// <summary>
/// The busybox image <see cref="OfflineImageTests"/> archives, built once for the class: each test only
/// reads the layout (skopeo copies it out), so building it per test was the same umoci work twice.
/// </summary>
public sealed class OfflineImageFixture : IAsyncLifetime
{
    private OciLayoutBuilder? _images;

    public OciLayoutBuilder Images => _images ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync()
    {
        _images = await OciLayoutBuilder.CreateAsync();
        await _images.BuildBusyboxAsync("offline", new ImageConfigSpec(Entrypoint: ["/bin/sh", "-c"], Cmd: ["echo offline image; exec sleep 3600"]),
            root => File.WriteAllText(Path.Combine(root, "etc", "offline-marker"), "offline\n"));
    }

    public Task DisposeAsync()
    {
        _images?.Dispose();
        return Task.CompletedTask;
    }
}
