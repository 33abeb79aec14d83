using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>events.k8s.io/v1 Events print exactly like core Events, read through the renamed fields.</summary>
internal sealed class EventsV1EventPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns => EventPrinter.EventColumns;

    public PrintedRow Print(JsonObject obj, DateTimeOffset now) => EventPrinter.PrintView(EventView.FromEventsV1(obj), now);
}
