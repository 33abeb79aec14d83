using Axolotl.Images.Oci;

namespace Axolotl.Images.Snapshots;

/// <summary>One layer to unpack: its diff_id (the uncompressed tar's digest), its compression and how to read its blob.</summary>
public sealed record LayerSource(string DiffId, LayerCompression Compression, Func<Stream> OpenBlob);
