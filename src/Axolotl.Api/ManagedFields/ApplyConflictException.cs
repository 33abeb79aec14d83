namespace Axolotl.Api.ManagedFields;

/// <summary>An apply that would change fields other managers own, with upstream's message for it.</summary>
public sealed class ApplyConflictException : Exception
{
    public ApplyConflictException(IReadOnlyList<ApplyConflict> conflicts)
        : base(Describe(conflicts))
    {
        Conflicts = conflicts;
    }

    public ApplyConflictException()
        : this([])
    {
    }

    public ApplyConflictException(string message)
        : base(message)
    {
        Conflicts = [];
    }

    public ApplyConflictException(string message, Exception inner)
        : base(message, inner)
    {
        Conflicts = [];
    }

    public IReadOnlyList<ApplyConflict> Conflicts { get; }

    private static string Describe(IReadOnlyList<ApplyConflict> conflicts)
    {
        if (conflicts.Count == 1)
        {
            return $"Apply failed with 1 conflict: conflict with {conflicts[0].Manager.Describe()}: {conflicts[0].PathText}";
        }
        var lines = new List<string>();
        foreach (var group in conflicts.GroupBy(c => c.Manager.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            lines.Add($"conflicts with {group.First().Manager.Describe()}:");
            lines.AddRange(group.Select(c => "- " + c.PathText));
        }
        return $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
    }
}
