using System.Text.Json.Nodes;

namespace Axolotl.Testing;

/// <summary>One request the fake handler received.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body, string? ContentType)
{
    public string Path => Uri.AbsolutePath;

    public IReadOnlyDictionary<string, string> Query { get; } = ParseQuery(Uri.Query);

    public JsonObject? Json => Body is { Length: > 0 } ? JsonNode.Parse(Body)?.AsObject() : null;

    public override string ToString() => $"{Method} {Uri.PathAndQuery}";

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            result[key] = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..]);
        }
        return result;
    }
}
