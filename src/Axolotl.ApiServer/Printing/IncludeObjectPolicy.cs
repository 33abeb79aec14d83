namespace Axolotl.ApiServer.Printing;

/// <summary>What each Table row carries in rows[].object (the includeObject query parameter).</summary>
public enum IncludeObjectPolicy
{
    /// <summary>No object at all.</summary>
    None,

    /// <summary>A PartialObjectMetadata holding the full metadata: the default, and what -A, --show-labels and -L read.</summary>
    Metadata,

    /// <summary>The whole object, which --sort-by needs.</summary>
    Object,
}
