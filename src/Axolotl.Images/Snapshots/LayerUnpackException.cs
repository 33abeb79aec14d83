namespace Axolotl.Images.Snapshots;

/// <summary>A layer could not be unpacked (bad archive, wrong diff_id, unsupported type): nothing of it is kept.</summary>
public sealed class LayerUnpackException(string message, Exception? inner = null) : Exception(message, inner);
