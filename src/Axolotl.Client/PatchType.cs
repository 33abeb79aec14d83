namespace Axolotl.Client;

/// <summary>The patch formats the API server accepts, named after their content types.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch: application/merge-patch+json.</summary>
    Merge,

    /// <summary>Kubernetes strategic merge patch: application/strategic-merge-patch+json.</summary>
    StrategicMerge,

    /// <summary>RFC 6902 JSON patch: application/json-patch+json.</summary>
    Json,

    /// <summary>Server-side apply: application/apply-patch+yaml.</summary>
    Apply,
}

internal static class PatchTypes
{
    public static string ContentType(this PatchType type) => type switch
    {
        PatchType.Merge => "application/merge-patch+json",
        PatchType.StrategicMerge => "application/strategic-merge-patch+json",
        PatchType.Json => "application/json-patch+json",
        PatchType.Apply => "application/apply-patch+yaml",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
