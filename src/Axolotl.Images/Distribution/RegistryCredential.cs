namespace Axolotl.Images.Distribution;

/// <summary>A username and password for one registry (an entry of a docker config.json or a registries file).</summary>
public sealed record RegistryCredential(string Registry, string Username, string Password);
