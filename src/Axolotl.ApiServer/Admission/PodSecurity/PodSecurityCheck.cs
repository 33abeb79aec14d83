namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>A control of the Pod Security Standards: its id, the level that first applies it, and its revisions by version (oldest first).</summary>
public sealed record PodSecurityCheck(string Id, PodSecurityLevel Level, IReadOnlyList<VersionedCheck> Versions);
