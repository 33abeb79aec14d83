namespace Axolotl.Images.Distribution;

/// <summary>
/// What a pull stored: the digest the reference resolved to (an index or a manifest: the kubelet's
/// imageID), the platform manifest chosen, its config, and the image's size (config and compressed
/// layers, as the kubelet reports it).
/// </summary>
public sealed record PulledImage(ImageReference Reference, string RepoDigest, string ManifestDigest, string ConfigDigest, long Size);
