using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Printing;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage;

namespace Axolotl.ApiServer.Rest;

/// <summary>GET of one object and of collections, as JSON or as a server-side Table.</summary>
public sealed class ReadHandler(RestServices services)
{
    /// <summary>Answers a node's list of its pods from the pod watch cache's index (null: every list reads the store).</summary>
    internal Watch.Cache.IndexedListReader? IndexedLists { get; set; }

    public async Task GetAsync(RequestScope scope)
    {
        var stored = await services.Objects.GetRequiredAsync(scope.Type, scope.Namespace, scope.RequiredName, scope.Aborted);
        var obj = await services.Views.ToViewAsync(scope.Type, stored.Object, scope.Aborted);
        if (MediaTypes.WantsTable(scope.Http.Request.Headers.Accept))
        {
            var table = TableBuilder.Build(scope.Type, [obj], TableOptionsFor(scope, stored.Revision.ToString(), null, null, includeHeaders: true));
            await ResponseWriter.WriteAsync(scope.Http, 200, table);
            return;
        }
        await ResponseWriter.WriteAsync(scope.Http, 200, obj);
    }

    public async Task ListAsync(RequestScope scope)
    {
        var labels = ParseLabelSelector(scope.Query("labelSelector"));
        var fields = FieldLabels.Parse(scope.Type, scope.Query("fieldSelector"));
        var limit = ParseLimit(scope.Int64("limit"));
        var version = ListResourceVersion.Parse(scope.Query("resourceVersion"), scope.Query("resourceVersionMatch"), !string.IsNullOrEmpty(scope.Query("continue")),
            sendInitialEvents: scope.Http.Request.Query.OptionalBool("sendInitialEvents"));
        await version.WaitUntilFreshAsync(services.Objects.Store, services.Clock, scope.Aborted);
        // A list the client did not page is read a page at a time at the first page's revision, so that no more than a
        // page of stored bytes is held while it is written (the store's continue token keeps that revision).
        var pageSize = limit == 0 ? ObjectStore.ReadPage : limit;
        var continueFrom = NullIfEmpty(scope.Query("continue"));
        var indexed = IndexedLists is null ? null : await IndexedLists.TryListAsync(scope.Type, scope.Namespace, fields, version.Revision, version.IsExact, limit, continueFrom is not null, scope.Aborted);
        var result = indexed ?? (version.IsExact
            ? await services.Objects.ListAtRevisionAsync(scope.Type, scope.Namespace, (long)Math.Min(version.Revision!.Value, (ulong)long.MaxValue), pageSize, scope.Aborted)
            : await services.Objects.ListAsync(scope.Type, scope.Namespace, pageSize, continueFrom, scope.Aborted));
        var entries = limit == 0 && indexed is null ? services.Objects.EntriesFromAsync(scope.Type, scope.Namespace, result, scope.Aborted) : result.Items.ToAsyncEnumerable();
        var continueToken = limit == 0 ? null : result.Continue;
        long? remaining = continueToken is null ? null : result.RemainingCount;
        var prefilter = StoredBytesPrefilter.For(scope.Type, fields);
        var selected = SelectedAsync(entries, prefilter, labels, fields);
        var rv = result.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (MediaTypes.WantsTable(scope.Http.Request.Headers.Accept))
        {
            var rows = await services.Views.ToViewsAsync(scope.Type, await selected.ToListAsync(scope.Aborted), scope.Aborted);
            var table = TableBuilder.Build(scope.Type, rows, TableOptionsFor(scope, rv, continueToken, remaining, includeHeaders: true));
            await ResponseWriter.WriteAsync(scope.Http, 200, table);
            return;
        }
        var meta = new JsonObject { ["resourceVersion"] = rv };
        if (continueToken is not null)
        {
            meta["continue"] = continueToken;
            meta["remainingItemCount"] = remaining;
        }
        if (ObjectViews.AsksWebhook(scope.Type))
        {
            // One conversion request for the whole list, which may fail it: answered before anything is written.
            var items = await services.Views.ToViewsAsync(scope.Type, await selected.ToListAsync(scope.Aborted), scope.Aborted);
            await StreamedListWriter.WriteAsync(scope.Http, scope.Type.ListKind, scope.Type.ApiVersion, meta, items.ToAsyncEnumerable());
            return;
        }
        // One item decoded, converted and written at a time: a list's memory does not grow with its length.
        await StreamedListWriter.WriteAsync(scope.Http, scope.Type.ListKind, scope.Type.ApiVersion, meta, ViewsAsync(scope, selected));
    }

    /// <summary>The stored items a list's selectors keep, decoded one at a time as they are enumerated.</summary>
    private static async IAsyncEnumerable<JsonObject> SelectedAsync(IAsyncEnumerable<StoreEntry> entries, StoredBytesPrefilter? prefilter, ParsedLabelSelector labels, FieldSelector fields)
    {
        await foreach (var entry in entries)
        {
            if (prefilter?.MayMatch(entry.Value.Span) == false)
            {
                continue;
            }
            var obj = ObjectStore.Decode(entry).Object;
            if (Matches(obj, labels, fields))
            {
                yield return obj;
            }
        }
    }

    private async IAsyncEnumerable<JsonObject> ViewsAsync(RequestScope scope, IAsyncEnumerable<JsonObject> selected)
    {
        await foreach (var obj in selected)
        {
            yield return await services.Views.ToViewAsync(scope.Type, obj, scope.Aborted);
        }
    }

    public static ParsedLabelSelector ParseLabelSelector(string? text)
    {
        try
        {
            return ParsedLabelSelector.Parse(text ?? "");
        }
        catch (FormatException e)
        {
            throw ApiErrors.BadRequest(e.Message);
        }
    }

    public static bool Matches(JsonObject obj, ParsedLabelSelector labels, FieldSelector fields)
    {
        if (!labels.IsEmpty)
        {
            var labelMap = (ObjectMetaRules.Meta(obj)["labels"] as JsonObject)?
                .ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "");
            if (!labels.Matches(labelMap))
            {
                return false;
            }
        }
        return fields.IsEmpty || fields.Matches(field => field switch
        {
            "metadata.name" => ObjectMetaRules.Str(ObjectMetaRules.Meta(obj), "name") ?? "",
            "metadata.namespace" => ObjectMetaRules.Str(ObjectMetaRules.Meta(obj), "namespace") ?? "",
            _ => FieldLabels.Value(obj, field),
        });
    }

    public TableOptions TableOptionsFor(RequestScope scope, string? rv, string? continueToken, long? remaining, bool includeHeaders) => new()
    {
        ResourceVersion = rv,
        Continue = continueToken,
        RemainingItemCount = remaining,
        IncludeObject = TableOptions.TryParseIncludeObject(scope.Query("includeObject"), out var policy)
            ? policy
            : throw ApiErrors.BadRequest($"includeObject: unsupported value \"{scope.Query("includeObject")}\": supported values: \"None\", \"Metadata\", \"Object\""),
        IncludeColumnDefinitions = includeHeaders,
        Now = services.Clock.GetUtcNow(),
    };

    /// <summary>Upstream pages only for a positive limit; a zero or negative one lists everything.</summary>
    private static int ParseLimit(long? limit) => limit is > 0 ? (int)Math.Min(limit.Value, int.MaxValue) : 0;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
