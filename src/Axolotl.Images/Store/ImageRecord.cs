namespace Axolotl.Images.Store;

/// <summary>
/// One name of an image on this node, as containerd's image store keeps it: the reference it was
/// pulled or imported as, the digest that name resolved to (an index or a manifest: what imageID
/// shows), the platform manifest chosen and its config. The blobs live in the content store.
/// </summary>
public sealed record ImageRecord(
    string Name,
    string RepoDigest,
    string ManifestDigest,
    string ConfigDigest,
    long Size,
    DateTimeOffset LastUsed)
{
    /// <summary>
    /// A stand-in from the build's bundled seed images (ADR 0007): it answers only in airgap mode, and a
    /// node in online mode forgets it at start so that the name is pulled from its registry.
    /// </summary>
    public bool Bundled { get; init; }
}
