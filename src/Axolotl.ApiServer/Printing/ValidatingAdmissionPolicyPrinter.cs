using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>ValidatingAdmissionPolicies: Name, Validations (how many), ParamKind, Age.</summary>
internal sealed class ValidatingAdmissionPolicyPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Validations", "integer", "Validations indicates the number of validation rules defined in this configuration"),
        new("ParamKind", "string", "ParamKind specifies the kind of resources used to parameterize this policy"),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject policy, DateTimeOffset now)
    {
        var paramKind = policy.Get("spec", "paramKind") is JsonObject kind ? $"{kind.Get("apiVersion").Text()}/{kind.Get("kind").Text()}" : "<unset>";
        return Cells.Row(
            Cells.Text(PrintFormat.Name(policy)),
            Cells.Int((policy.Get("spec", "validations") as JsonArray)?.Count ?? 0),
            Cells.Text(paramKind),
            Cells.Text(PrintFormat.Age(policy, now)));
    }
}
