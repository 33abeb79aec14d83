using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Printing;

/// <summary>ControllerRevisions: Name, Controller ("daemonset.apps/fluentd" or &lt;none&gt;), Revision, Age.</summary>
internal sealed class ControllerRevisionPrinter : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CommonColumns.Name,
        new("Controller", "string", "Controller of the object"),
        new("Revision", "string", ColumnDocs.ControllerRevisionRevision),
        CommonColumns.Age,
    ];

    public PrintedRow Print(JsonObject revision, DateTimeOffset now) => Cells.Row(
        Cells.Text(PrintFormat.Name(revision)),
        Cells.Text(Controller(revision)),
        Cells.Int(revision.Get("revision").Number()),
        Cells.Text(PrintFormat.Age(revision, now)));

    private static string Controller(JsonObject revision)
    {
        var owner = revision.Get("metadata", "ownerReferences").Items().FirstOrDefault(o => o.Get("controller").IsTrue());
        if (owner is null)
        {
            return "<none>";
        }
        var apiVersion = owner.Get("apiVersion").Text();
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? "" : apiVersion[..slash];
        var kind = owner.Get("kind").Text();
        var name = owner.Get("name").Text();
        // schema.GroupKind.String() is "Kind.group" ("Kind" for the core group), lower-cased as a whole.
        var groupKind = group.Length == 0 ? kind : kind + "." + group;
        return groupKind.Length == 0 ? name : groupKind.ToLowerInvariant() + "/" + name;
    }
}
