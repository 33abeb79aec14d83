using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// core/v1 Events: Last Seen, Type, Reason, Object, Message | Subobject, Source, First Seen, Count, Name.
/// Series events report their last observation and series count; singleton events without a count print 1.
/// </summary>
internal sealed class EventPrinter : ITablePrinter
{
    public static IReadOnlyList<TableColumn> EventColumns { get; } =
    [
        new("Last Seen", "string", ColumnDocs.EventLastTimestamp),
        new("Type", "string", ColumnDocs.EventType),
        new("Reason", "string", ColumnDocs.EventReason),
        new("Object", "string", ColumnDocs.EventInvolvedObject),
        new("Subobject", "string", ColumnDocs.ObjectReferenceFieldPath, Priority: 1),
        new("Source", "string", ColumnDocs.EventSource, Priority: 1),
        new("Message", "string", ColumnDocs.EventMessage),
        new("First Seen", "string", ColumnDocs.EventFirstTimestamp, Priority: 1),
        new("Count", "string", ColumnDocs.EventCount, Priority: 1),
        new("Name", "string", ColumnDocs.ObjectName, Priority: 1, Format: "name"),
    ];

    public IReadOnlyList<TableColumn> Columns => EventColumns;

    public PrintedRow Print(JsonObject obj, DateTimeOffset now) => PrintView(EventView.FromCore(obj), now);

    public static PrintedRow PrintView(EventView e, DateTimeOffset now)
    {
        var firstSeen = e.FirstTimestamp is { } first ? HumanDuration.Since(first, now) : HumanDuration.Since(e.EventTime, now);
        var lastSeen = e.LastTimestamp is { } last ? HumanDuration.Since(last, now) : firstSeen;

        var count = e.Count;
        if (e.Series is JsonObject series)
        {
            lastSeen = HumanDuration.Since(series.Get("lastObservedTime").AsTime(), now);
            count = series.Get("count").Number();
        }
        else if (count == 0)
        {
            count = 1;
        }

        var kind = e.InvolvedObject.Get("kind").Text().ToLowerInvariant();
        var name = e.InvolvedObject.Get("name").Text();
        var target = name.Length > 0 ? kind + "/" + name : kind;

        return Cells.Row(
            Cells.Text(lastSeen),
            Cells.Text(e.Type),
            Cells.Text(e.Reason),
            Cells.Text(target),
            Cells.Text(e.InvolvedObject.Get("fieldPath").Text()),
            Cells.Text(Source(e)),
            Cells.Text(e.Message.Trim()),
            Cells.Text(firstSeen),
            Cells.Int(count),
            Cells.Text(PrintFormat.Name(e.Object)));
    }

    /// <summary>"component, host", falling back to the reporting controller and instance of newer events.</summary>
    private static string Source(EventView e)
    {
        var component = FirstNonEmpty(e.Source.Get("component").Text(), e.ReportingController);
        var instance = FirstNonEmpty(e.Source.Get("host").Text(), e.ReportingInstance);
        return instance.Length == 0 ? component : component + ", " + instance;
    }

    private static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;
}
