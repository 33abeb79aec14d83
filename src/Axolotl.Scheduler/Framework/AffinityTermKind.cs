namespace Axolotl.Scheduler.Framework;

/// <summary>Which of a pod's affinity lists a term came from.</summary>
public enum AffinityTermKind
{
    RequiredAffinity,
    RequiredAntiAffinity,
    PreferredAffinity,
    PreferredAntiAffinity,
}
