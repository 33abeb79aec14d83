using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Bench.Reporting;

/// <summary>Writes latest.json and latest.md into the results folder, each through a temporary file and a rename.</summary>
internal static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A file for people and scripts, never embedded in HTML: keep →, quotes and backticks readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static (string Json, string Markdown) Write(string directory, BenchReport report)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "latest.json");
        var markdown = Path.Combine(directory, "latest.md");
        Replace(json, JsonSerializer.Serialize(report, Json) + "\n");
        Replace(markdown, MarkdownReport.Render(report));
        return (json, markdown);
    }

    private static void Replace(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
