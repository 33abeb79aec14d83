using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>PriorityClasses: Name, Value, Global-Default, Age, PreemptionPolicy (upstream's printer since 1.29).</summary>
internal sealed class PriorityClassPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Value", "integer", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
        new("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
        CommonColumns.Age,
        new("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."),
    ];

    public PrintedRow Print(JsonObject priorityClass, DateTimeOffset now) =>
        Cells.Row(
            Cells.Text(PrintFormat.Name(priorityClass)),
            Cells.Int(priorityClass["value"] is JsonValue value && value.TryGetValue(out long number) ? number : 0),
            Cells.Bool(priorityClass.Get("globalDefault").IsTrue()),
            Cells.Text(PrintFormat.Age(priorityClass, now)),
            Cells.Text(priorityClass.Get("preemptionPolicy").AsString() ?? ""));
}
