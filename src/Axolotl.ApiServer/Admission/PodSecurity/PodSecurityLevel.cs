namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>The Pod Security Standards' levels, least to most restrictive (the order comparisons rely on).</summary>
public enum PodSecurityLevel
{
    Privileged,
    Baseline,
    Restricted,
}
