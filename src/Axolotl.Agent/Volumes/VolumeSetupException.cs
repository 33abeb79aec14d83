namespace Axolotl.Agent.Volumes;

/// <summary>
/// A volume's content cannot be built (a missing object or key, a bad path); the message is the
/// kubelet's cause, which the caller prefixes with <c>MountVolume.SetUp failed for volume "NAME" : </c>.
/// </summary>
public sealed class VolumeSetupException(string message) : Exception(message);
