namespace Axolotl.Api.Serialization;

/// <summary>How strategic merge patch treats this field: "merge", "replace", "retainKeys" or "merge,retainKeys".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatchStrategyAttribute(string strategy) : Attribute
{
    public string Strategy { get; } = strategy;
}
