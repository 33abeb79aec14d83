namespace Axolotl.Agent.Volumes;

/// <summary>
/// One file of a configMap, secret, downwardAPI or projected volume, as the kubelet's FileProjection:
/// a relative path ("a/b.txt"), its bytes and its permission bits (0644 is 420).
/// </summary>
public sealed record ProjectedFile(string Path, byte[] Content, int Mode);
