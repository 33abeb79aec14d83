using Axolotl.Api.FlowControl;

namespace Axolotl.ApiServer.FlowControl;

/// <summary>The outcome of classifying one request: the schema that matched, its level, and the flow within the level.</summary>
public sealed record Classification(string FlowSchema, string FlowSchemaUid, PriorityLevelState Level, ulong FlowHash);

/// <summary>
/// An immutable snapshot of the FlowSchemas (in precedence order, names breaking ties) and the levels
/// they point at, swapped atomically when the objects change. Classification takes the first schema
/// whose rules match and whose level exists; a schema pointing at a missing level (Dangling) is skipped.
/// </summary>
public sealed class FlowControlConfiguration
{
    private readonly IReadOnlyList<FlowSchema> _schemas;
    private readonly IReadOnlyDictionary<string, PriorityLevelState> _levels;

    public FlowControlConfiguration(IEnumerable<FlowSchema> schemas, IReadOnlyDictionary<string, PriorityLevelState> levels)
    {
        _schemas = [.. schemas
            .Where(s => s.Spec is not null)
            .OrderBy(s => s.Spec!.MatchingPrecedence ?? 1000)
            .ThenBy(s => s.Metadata.Name, StringComparer.Ordinal)];
        _levels = levels;
    }

    public static FlowControlConfiguration Empty { get; } = new([], new Dictionary<string, PriorityLevelState>());

    public IReadOnlyDictionary<string, PriorityLevelState> Levels => _levels;

    public IReadOnlyList<FlowSchema> Schemas => _schemas;

    /// <summary>Whether the schema's level does not exist (its Dangling condition is True).</summary>
    public bool IsDangling(FlowSchema schema) => !_levels.ContainsKey(schema.Spec?.PriorityLevelConfiguration?.Name ?? "");

    public Classification? Classify(RequestDigest request)
    {
        foreach (var schema in _schemas)
        {
            if (!_levels.TryGetValue(schema.Spec!.PriorityLevelConfiguration?.Name ?? "", out var level) || !FlowSchemaMatcher.Matches(schema.Spec, request))
            {
                continue;
            }
            var name = schema.Metadata.Name ?? "";
            return new Classification(name, schema.Metadata.Uid ?? "", level, ShuffleSharding.FlowHash(name, FlowSchemaMatcher.Distinguisher(schema.Spec, request)));
        }
        return null;
    }
}
