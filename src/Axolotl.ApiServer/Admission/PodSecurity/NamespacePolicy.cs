namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>What a namespace (its labels over the cluster defaults) asks of pods in each mode.</summary>
public sealed record NamespacePolicy(LevelVersion Enforce, LevelVersion Audit, LevelVersion Warn)
{
    /// <summary>Upstream's default when no configuration says otherwise: privileged:latest in every mode.</summary>
    public static NamespacePolicy Privileged { get; } = new(LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest);

    public bool IsFullyPrivileged =>
        Enforce.Level == PodSecurityLevel.Privileged && Audit.Level == PodSecurityLevel.Privileged && Warn.Level == PodSecurityLevel.Privileged;

    public bool IsEquivalentTo(NamespacePolicy other) =>
        Enforce.IsEquivalentTo(other.Enforce) && Audit.IsEquivalentTo(other.Audit) && Warn.IsEquivalentTo(other.Warn);
}
