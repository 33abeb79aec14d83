namespace Axolotl.Api.Serialization;

/// <summary>The field that identifies list elements for strategic merge patch (x-kubernetes-patch-merge-key).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatchMergeKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}
