namespace Axolotl.Api.Patch;

/// <summary>The x-kubernetes-patch-strategy values a field can carry; "merge,retainKeys" sets two flags.</summary>
[Flags]
public enum PatchStrategies
{
    None = 0,
    Merge = 1,
    Replace = 2,
    RetainKeys = 4,
}
