namespace Axolotl.NodeIdentity;

/// <summary>A node could not obtain its certificate (refused, denied, or never approved); the agent stops with the message.</summary>
public sealed class NodeIdentityException(string message) : Exception(message);
