using Axolotl.Agent.Images.Oci;

namespace Axolotl.Agent.Images.Snapshots;

/// <summary>One layer to unpack: its diff_id (the uncompressed tar's digest), its compression and how to read its blob.</summary>
public sealed record LayerSource(string DiffId, LayerCompression Compression, Func<Stream> OpenBlob);
