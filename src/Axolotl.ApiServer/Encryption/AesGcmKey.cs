namespace Axolotl.ApiServer.Encryption;

/// <summary>One named key of an aesgcm provider: 16, 24 or 32 bytes.</summary>
public sealed record AesGcmKey(string Name, byte[] Secret);
