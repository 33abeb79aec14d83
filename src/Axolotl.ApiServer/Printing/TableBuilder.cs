using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Printing;

/// <summary>
/// Builds the meta.k8s.io/v1 Table kubectl asks for with "Accept: application/json;as=Table;v=v1;g=meta.k8s.io".
/// A list and a single object (a one-row table) look the same; a watch event carries a one-row table whose column
/// definitions are sent only in the first event.
/// </summary>
public static class TableBuilder
{
    public static JsonObject Build(ResourceType type, IReadOnlyList<JsonObject> objects, TableOptions options)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Custom is { } shape
            ? Build(new CustomResourcePrinter(shape), type.Kind, type.ApiVersion, objects, options)
            : Build(type.Group, type.Kind, type.ApiVersion, objects, options);
    }

    /// <summary>The same for kinds that are no resource of their own, such as autoscaling/v1 Scale.</summary>
    public static JsonObject Build(string group, string kind, string apiVersion, IReadOnlyList<JsonObject> objects, TableOptions options)
    {
        return Build(TablePrinters.For(group, kind), kind, apiVersion, objects, options);
    }

    private static JsonObject Build(ITablePrinter printer, string kind, string apiVersion, IReadOnlyList<JsonObject> objects, TableOptions options)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            rows.Add(Row(kind, apiVersion, printer, obj, options));
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = Metadata(options),
            // Go encodes the omitted definitions as null; kubectl keeps the columns of the first event.
            ["columnDefinitions"] = options.IncludeColumnDefinitions ? ColumnDefinitions(printer) : null,
            ["rows"] = rows,
        };
    }

    private static JsonObject Metadata(TableOptions options)
    {
        var metadata = new JsonObject();
        if (!string.IsNullOrEmpty(options.ResourceVersion))
        {
            metadata["resourceVersion"] = options.ResourceVersion;
        }
        if (!string.IsNullOrEmpty(options.Continue))
        {
            metadata["continue"] = options.Continue;
        }
        if (options.RemainingItemCount is { } remaining)
        {
            metadata["remainingItemCount"] = remaining;
        }
        return metadata;
    }

    private static JsonArray ColumnDefinitions(ITablePrinter printer)
    {
        var columns = new JsonArray();
        foreach (var column in printer.Columns)
        {
            columns.Add(new JsonObject
            {
                ["name"] = column.Name,
                ["type"] = column.Type,
                ["format"] = column.Format,
                ["description"] = column.Description,
                ["priority"] = column.Priority,
            });
        }
        return columns;
    }

    private static JsonObject Row(string kind, string apiVersion, ITablePrinter printer, JsonObject obj, TableOptions options)
    {
        var printed = printer.Print(obj, options.Now);
        var cells = new JsonArray();
        foreach (var cell in printed.Cells)
        {
            cells.Add(cell?.DeepClone());
        }

        var row = new JsonObject { ["cells"] = cells };
        if (printed.Conditions is { Count: > 0 } conditions)
        {
            var array = new JsonArray();
            foreach (var condition in conditions)
            {
                array.Add(new JsonObject
                {
                    ["type"] = condition.Type,
                    ["status"] = condition.Status,
                    ["reason"] = condition.Reason,
                    ["message"] = condition.Message,
                });
            }
            row["conditions"] = array;
        }

        switch (options.IncludeObject)
        {
            case IncludeObjectPolicy.Metadata:
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
                };
                break;
            case IncludeObjectPolicy.Object:
                row["object"] = WithTypeMeta(kind, apiVersion, obj);
                break;
            case IncludeObjectPolicy.None:
                break;
        }
        return row;
    }

    /// <summary>A copy of the object that names its kind and apiVersion, as upstream's conversion to the request version does.</summary>
    private static JsonObject WithTypeMeta(string kind, string apiVersion, JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        if (copy["kind"] is null || copy["apiVersion"] is null)
        {
            var ordered = new JsonObject
            {
                ["kind"] = copy["kind"]?.DeepClone() ?? kind,
                ["apiVersion"] = copy["apiVersion"]?.DeepClone() ?? apiVersion,
            };
            foreach (var (key, value) in copy.ToList())
            {
                if (key is not ("kind" or "apiVersion"))
                {
                    copy.Remove(key);
                    ordered[key] = value;
                }
            }
            return ordered;
        }
        return copy;
    }
}
