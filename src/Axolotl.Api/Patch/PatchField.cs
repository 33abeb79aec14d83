namespace Axolotl.Api.Patch;

/// <summary>
/// One JSON field as strategic merge patch sees it: its value's schema plus the
/// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key the model declares for it.
/// </summary>
public sealed class PatchField
{
    public PatchField(string name, PatchSchema schema, PatchStrategies strategies = PatchStrategies.None, string? mergeKey = null)
    {
        Name = name;
        Schema = schema;
        Strategies = strategies;
        MergeKey = string.IsNullOrEmpty(mergeKey) ? null : mergeKey;
    }

    /// <summary>The JSON name of the field.</summary>
    public string Name { get; }

    /// <summary>The schema of the field's value (for a list: the list itself; its elements are <see cref="PatchSchema.Element"/>).</summary>
    public PatchSchema Schema { get; }

    public PatchStrategies Strategies { get; }

    /// <summary>The element field that identifies list items when merging, e.g. "name" for containers.</summary>
    public string? MergeKey { get; }

    /// <summary>True if the model says this field was not declared (unknown fields merge like plain JSON).</summary>
    public bool IsDeclared { get; init; } = true;

    public bool IsList => Schema.Kind == PatchValueKind.List;

    public bool IsMap => Schema.Kind == PatchValueKind.Map;

    /// <summary>The list element (or map value) schema; <see cref="PatchSchema.Unknown"/> for anything else.</summary>
    public PatchSchema ElementSchema => Schema.Element;

    public bool ElementIsPrimitive => (IsList || IsMap) && Schema.Element.Kind == PatchValueKind.Primitive;

    public bool HasMergeStrategy => (Strategies & PatchStrategies.Merge) != 0;

    public bool HasReplaceStrategy => (Strategies & PatchStrategies.Replace) != 0;

    public bool HasRetainKeysStrategy => (Strategies & PatchStrategies.RetainKeys) != 0;

    public override string ToString() =>
        $"{Name} ({Schema.Kind}{(Strategies == PatchStrategies.None ? "" : ", " + Strategies)}{(MergeKey is null ? "" : ", mergeKey=" + MergeKey)})";
}
