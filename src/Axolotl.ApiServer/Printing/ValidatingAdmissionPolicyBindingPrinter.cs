using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>ValidatingAdmissionPolicyBindings: Name, PolicyName, ParamRef (namespace/name, */name, or the selector), Age.</summary>
internal sealed class ValidatingAdmissionPolicyBindingPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("PolicyName", "string", "PolicyName indicates the policy definition which the policy binding binded to"),
        new("ParamRef", "string", "ParamRef indicates the param resource which sets the configration param"),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject binding, DateTimeOffset now)
    {
        var paramRef = "<unset>";
        if (binding.Get("spec", "paramRef") is JsonObject reference)
        {
            if (reference.Get("name").AsString() is { Length: > 0 } name)
            {
                paramRef = reference.Get("namespace").AsString() is { Length: > 0 } ns ? $"{ns}/{name}" : $"*/{name}";
            }
            else if (reference.Get("selector") is { } selector)
            {
                paramRef = PrintFormat.LabelSelector(selector);
            }
        }
        return Cells.Row(
            Cells.Text(PrintFormat.Name(binding)),
            Cells.Text(binding.Get("spec", "policyName").Text()),
            Cells.Text(paramRef),
            Cells.Text(PrintFormat.Age(binding, now)));
    }
}
