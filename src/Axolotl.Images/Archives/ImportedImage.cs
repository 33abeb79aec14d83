namespace Axolotl.Images.Archives;

/// <summary>An image an archive held: its name, the platform manifest chosen and, for a multi-platform index, the index.</summary>
public sealed record ImportedImage(string Name, string ManifestDigest, string? IndexDigest);
