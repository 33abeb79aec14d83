namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>A level at a version, written as upstream prints it in messages: <c>restricted:latest</c>, <c>baseline:v1.29</c>.</summary>
public readonly record struct LevelVersion(PodSecurityLevel Level, PolicyVersion Version)
{
    public static LevelVersion PrivilegedLatest { get; } = new(PodSecurityLevel.Privileged, PolicyVersion.Latest);

    public override string ToString() => $"{PolicyLabels.Name(Level)}:{Version}";

    /// <summary>Privileged is privileged at every version; other levels must match in version too.</summary>
    public bool IsEquivalentTo(LevelVersion other) =>
        (Level == PodSecurityLevel.Privileged && other.Level == PodSecurityLevel.Privileged) || this == other;
}
