using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>IngressClasses: Name, Controller, Parameters ("Kind.group/name" or &lt;none&gt;), Age.</summary>
internal sealed class IngressClassPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Controller", "string", "Controller that is in charge of handling this class."),
        new("Parameters", "string", "A reference to a resource with additional parameters."),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject ingressClass, DateTimeOffset now)
    {
        var parameters = ingressClass.Get("spec", "parameters");
        var shown = "<none>";
        if (parameters is JsonObject)
        {
            var kind = parameters.Get("kind").Text();
            if (parameters.Get("apiGroup").AsString() is { Length: > 0 } group)
            {
                kind += "." + group;
            }
            shown = kind + "/" + parameters.Get("name").Text();
        }
        return Cells.Row(
            Cells.Text(PrintFormat.Name(ingressClass)),
            Cells.Text(ingressClass.Get("spec", "controller").Text()),
            Cells.Text(shown),
            Cells.Text(PrintFormat.Age(ingressClass, now)));
    }
}
