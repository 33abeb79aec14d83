namespace Axolotl.Client;

/// <summary>Query parameters for list and watch requests, as meta/v1 ListOptions.</summary>
public sealed record ListOptions
{
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }

    /// <summary>Page size; 0 or null means everything in one answer.</summary>
    public int? Limit { get; init; }

    public string? Continue { get; init; }

    /// <summary>For a list: "" (most recent) or "0" (any); for a watch: the revision to start after.</summary>
    public string? ResourceVersion { get; init; }

    public bool AllowWatchBookmarks { get; init; }

    /// <summary>Asks the server to end a watch after this many seconds.</summary>
    public int? TimeoutSeconds { get; init; }

    internal IEnumerable<KeyValuePair<string, string>> ToQuery()
    {
        if (!string.IsNullOrEmpty(LabelSelector))
        {
            yield return new("labelSelector", LabelSelector);
        }
        if (!string.IsNullOrEmpty(FieldSelector))
        {
            yield return new("fieldSelector", FieldSelector);
        }
        if (Limit is > 0)
        {
            yield return new("limit", Limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (!string.IsNullOrEmpty(Continue))
        {
            yield return new("continue", Continue);
        }
        if (ResourceVersion is not null)
        {
            yield return new("resourceVersion", ResourceVersion);
        }
        if (AllowWatchBookmarks)
        {
            yield return new("allowWatchBookmarks", "true");
        }
        if (TimeoutSeconds is > 0)
        {
            yield return new("timeoutSeconds", TimeoutSeconds.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
