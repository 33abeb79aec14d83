namespace Axolotl.Api.ManagedFields;

/// <summary>How structured merge treats a value (upstream's x-kubernetes-list-type / map-type / struct type).</summary>
public enum FieldShape
{
    /// <summary>A string, number or boolean: owned and replaced as a whole.</summary>
    Scalar,

    /// <summary>A struct whose fields are owned one by one.</summary>
    Struct,

    /// <summary>A map whose keys are owned one by one (labels, data…).</summary>
    Map,

    /// <summary>A struct, map or list owned and replaced as a whole (label selectors, tolerations…).</summary>
    Atomic,

    /// <summary>A list of scalars whose items are owned one by one, by value (finalizers).</summary>
    Set,

    /// <summary>A list of objects identified by key fields (containers by name, ports by containerPort and protocol).</summary>
    AssociativeList,

    /// <summary>No type information (custom resources, raw JSON): objects are granular maps, lists atomic.</summary>
    Untyped,
}
