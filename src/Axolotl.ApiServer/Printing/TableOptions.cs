namespace Axolotl.ApiServer.Printing;

/// <summary>How to build one Table: the list metadata to echo, what each row carries, and the clock for AGE.</summary>
public sealed record TableOptions
{
    /// <summary>The list's (or the single object's) resourceVersion; watches resume from it.</summary>
    public string? ResourceVersion { get; init; }

    public string? Continue { get; init; }

    public long? RemainingItemCount { get; init; }

    public IncludeObjectPolicy IncludeObject { get; init; } = IncludeObjectPolicy.Metadata;

    /// <summary>False for watch events after the first (upstream's NoHeaders): columnDefinitions is then null.</summary>
    public bool IncludeColumnDefinitions { get; init; } = true;

    /// <summary>The instant AGE and "ago" cells are measured from.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>
    /// Parses the includeObject query value the way upstream does: empty means Metadata, the three names are
    /// case-sensitive, anything else is rejected.
    /// </summary>
    public static bool TryParseIncludeObject(string? value, out IncludeObjectPolicy policy)
    {
        switch (value)
        {
            case null or "" or "Metadata":
                policy = IncludeObjectPolicy.Metadata;
                return true;
            case "None":
                policy = IncludeObjectPolicy.None;
                return true;
            case "Object":
                policy = IncludeObjectPolicy.Object;
                return true;
            default:
                policy = IncludeObjectPolicy.Metadata;
                return false;
        }
    }
}
