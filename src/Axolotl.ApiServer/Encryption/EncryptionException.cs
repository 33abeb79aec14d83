namespace Axolotl.ApiServer.Encryption;

/// <summary>A stored value no configured provider can read (unknown key name, wrong key, tampered bytes), or a bad configuration.</summary>
public sealed class EncryptionException(string message) : Exception(message);
