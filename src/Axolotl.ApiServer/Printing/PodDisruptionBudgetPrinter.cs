using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>PodDisruptionBudgets: Name, Min Available, Max Unavailable (N/A when unset), Allowed Disruptions, Age.</summary>
internal sealed class PodDisruptionBudgetPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Min Available", "string", "The minimum number of pods that must be available."),
        new("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
        new("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject pdb, DateTimeOffset now)
    {
        var spec = pdb.Get("spec");
        return Cells.Row(
            Cells.Text(PrintFormat.Name(pdb)),
            Cells.Text(PrintFormat.IntOrString(spec.Get("minAvailable")) ?? "N/A"),
            Cells.Text(PrintFormat.IntOrString(spec.Get("maxUnavailable")) ?? "N/A"),
            Cells.Int(pdb.Get("status", "disruptionsAllowed").Number()),
            Cells.Text(PrintFormat.Age(pdb, now)));
    }
}
