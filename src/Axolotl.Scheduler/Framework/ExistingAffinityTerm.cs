namespace Axolotl.Scheduler.Framework;

/// <summary>One affinity term of a pod counted on a node, with the list it came from.</summary>
public readonly record struct ExistingAffinityTerm(AffinityTerm Term, AffinityTermKind Kind);
