using System.Text.RegularExpressions;

namespace Axolotl.E2E.Tests.Harness;

/// <summary>
/// Reads kubectl's column output. kubectl pads columns with at least three spaces and cells may hold
/// single spaces ("NOMINATED NODE"), so a run of two or more spaces separates cells.
/// </summary>
public static partial class TableText
{
    public static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string[] Cells(string line) => CellGap().Split(line.Trim());

    public static string[] Header(string output)
    {
        var lines = Lines(output);
        Assert.True(lines.Length > 0, "no output at all");
        return Cells(lines[0]);
    }

    /// <summary>The cells of the row whose first cell (or cell <paramref name="column"/>) is <paramref name="key"/>.</summary>
    public static string[] Row(string output, string key, int column = 0)
    {
        var row = Lines(output).Skip(1).Select(Cells).FirstOrDefault(cells => cells.Length > column && cells[column] == key);
        Assert.True(row is not null, $"no row '{key}' in:\n{output}");
        return row;
    }

    /// <summary>The first cell of every row below the header.</summary>
    public static string[] Keys(string output, int column = 0) =>
        Lines(output).Skip(1).Select(Cells).Where(c => c.Length > column).Select(c => c[column]).ToArray();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex CellGap();
}
