namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>A Pod Security admission configuration file that cannot be used; the server refuses to start with it.</summary>
public sealed class PodSecurityConfigurationException(string message) : Exception(message);
