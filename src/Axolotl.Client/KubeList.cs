namespace Axolotl.Client;

/// <summary>One page of a list answer: the items and the list's resourceVersion (the revision to watch from).</summary>
public sealed record KubeList<T>(IReadOnlyList<T> Items, string? ResourceVersion, string? Continue, long? RemainingItemCount);
