namespace Axolotl.Agent.Cleanup;

/// <summary>The tracker's decision: the steps to take, in order, and what stays for surviving pods.</summary>
public sealed record HostCleanupPlan(IReadOnlyList<CleanupAction> Actions, KeptObjects Kept);
