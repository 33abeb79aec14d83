using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>A meta/v1 TableColumnDefinition. Priority 0 is always shown; 1 only with -o wide.</summary>
public sealed record TableColumn(string Name, string Type, string Description, int Priority = 0, string Format = "");

/// <summary>The cells of one row (strings, integers or booleans, in column order) and optional row conditions.</summary>
public sealed record PrintedRow(IReadOnlyList<JsonNode?> Cells, IReadOnlyList<TableRowCondition>? Conditions = null);

/// <summary>A meta/v1 TableRowCondition; upstream marks finished pods with Completed=True.</summary>
public sealed record TableRowCondition(string Type, string Status, string Reason, string Message);
