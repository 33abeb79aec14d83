using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The "paths" of one group-version document: collection and item paths per resource, the all-namespaces list,
/// and the subresources. Every operation names its kind in x-kubernetes-group-version-kind and its verb in
/// x-kubernetes-action. PATCH operations deliberately declare no requestBody: with one, kubectl computes
/// strategic merge patches from these (simplified) schemas instead of its compiled-in knowledge of the kinds.
/// </summary>
internal sealed class PathsBuilder(string group, string version, SchemaRegistry schemas, Func<Subresource, string?> subresourceSchema)
{
    private static readonly HashSet<string> ConnectSubresources = new(StringComparer.Ordinal) { "exec", "attach", "portforward", "proxy" };

    private readonly SortedDictionary<string, JsonObject> _paths = new(StringComparer.Ordinal);
    private readonly string _gv = OperationIds.GroupVersion(group, version);
    private readonly string _tag = (group.Length == 0 ? "core" : group.Split('.')[0]) + "_" + version;

    public JsonObject Build()
    {
        var paths = new JsonObject();
        foreach (var (path, item) in _paths)
        {
            paths[path] = item;
        }
        return paths;
    }

    public void Add(ResourceType resource, string? kindSchema)
    {
        var prefix = group.Length == 0 ? "/api/" + version : "/apis/" + group + "/" + version;
        var collectionPath = resource.Namespaced
            ? prefix + "/namespaces/{namespace}/" + resource.Plural
            : prefix + "/" + resource.Plural;
        var itemPath = collectionPath + "/{name}";
        var scope = resource.Namespaced ? "Namespaced" : "";
        var gvk = Gvk(resource.Group, resource.Version, resource.Kind);
        var kind = resource.Kind;
        bool Can(string verb) => resource.Verbs.Contains(verb);

        var collection = PathItem(collectionPath, resource.Namespaced ? [Parameters.Namespace(), Parameters.Pretty()] : [Parameters.Pretty()]);
        if (Can("list"))
        {
            collection["get"] = Operation("list" + _gv + scope + kind, "list or watch objects of kind " + kind, "list", gvk,
                Parameters.List(), Responses(kindSchema is null ? null : kindSchema + "List", ok: true));
        }
        if (Can("create"))
        {
            collection["post"] = Operation("create" + _gv + scope + kind, "create " + Article(kind), "post", gvk,
                Parameters.Write(), Responses(kindSchema, ok: true, created: true, accepted: true), RequestBody(kindSchema));
        }
        if (Can("deletecollection"))
        {
            collection["delete"] = Operation("delete" + _gv + "Collection" + scope + kind, "delete collection of " + kind, "deletecollection", gvk,
                Parameters.Delete().Concat(Parameters.List()), Responses(SchemaNames.MetaV1 + "Status", ok: true));
        }

        var item = PathItem(itemPath, Scoped(resource, Parameters.Name(kind)));
        if (Can("get"))
        {
            item["get"] = Operation("read" + _gv + scope + kind, "read the specified " + kind, "get", gvk, [], Responses(kindSchema, ok: true));
        }
        if (Can("update"))
        {
            item["put"] = Operation("replace" + _gv + scope + kind, "replace the specified " + kind, "put", gvk,
                Parameters.Write(), Responses(kindSchema, ok: true, created: true), RequestBody(kindSchema));
        }
        if (Can("patch"))
        {
            item["patch"] = Operation("patch" + _gv + scope + kind, "partially update the specified " + kind, "patch", gvk,
                Parameters.Patch(), Responses(kindSchema, ok: true, created: true));
        }
        if (Can("delete"))
        {
            item["delete"] = Operation("delete" + _gv + scope + kind, "delete " + Article(kind), "delete", gvk,
                Parameters.Delete(), Responses(SchemaNames.MetaV1 + "Status", ok: true, accepted: true));
        }

        if (resource.Namespaced && Can("list"))
        {
            var all = PathItem(prefix + "/" + resource.Plural, [Parameters.Pretty()]);
            all["get"] = Operation("list" + _gv + kind + "ForAllNamespaces", "list or watch objects of kind " + kind, "list", gvk,
                Parameters.List(), Responses(kindSchema is null ? null : kindSchema + "List", ok: true));
        }

        foreach (var subresource in resource.Subresources)
        {
            AddSubresource(resource, subresource, itemPath, scope);
        }
    }

    private void AddSubresource(ResourceType resource, Subresource subresource, string itemPath, string scope)
    {
        var path = PathItem(itemPath + "/" + subresource.Name, Scoped(resource, Parameters.Name(subresource.Kind)));
        var gvk = Gvk(subresource.Group, subresource.Version, subresource.Kind);
        var suffix = resource.Kind + OperationIds.Title(subresource.Name);
        var schema = subresourceSchema(subresource);
        var what = subresource.Name + " of the specified " + resource.Kind;

        if (ConnectSubresources.Contains(subresource.Name))
        {
            var parameters = subresource.Name switch
            {
                "exec" => Parameters.Exec(),
                "attach" => Parameters.Attach(),
                "portforward" => Parameters.PortForward(),
                _ => [],
            };
            foreach (var (verb, method) in new[] { ("get", "get"), ("create", "post") })
            {
                if (subresource.Verbs.Contains(verb))
                {
                    path[method] = Operation("connect" + _gv + OperationIds.Title(method) + scope + suffix,
                        "connect " + method.ToUpperInvariant() + " requests to " + subresource.Name + " of " + resource.Kind, "connect", gvk,
                        parameters, TextResponse());
                }
            }
            return;
        }

        if (subresource.Name == "log")
        {
            if (subresource.Verbs.Contains("get"))
            {
                path["get"] = Operation("read" + _gv + scope + suffix, "read log of the specified " + resource.Kind, "get", gvk,
                    Parameters.Log(), TextResponse());
            }
            return;
        }

        if (subresource.Verbs.Contains("get"))
        {
            path["get"] = Operation("read" + _gv + scope + suffix, "read " + what, "get", gvk, [], Responses(schema, ok: true));
        }
        if (subresource.Verbs.Contains("update"))
        {
            path["put"] = Operation("replace" + _gv + scope + suffix, "replace " + what, "put", gvk,
                Parameters.Write(), Responses(schema, ok: true, created: true), RequestBody(schema));
        }
        if (subresource.Verbs.Contains("patch"))
        {
            path["patch"] = Operation("patch" + _gv + scope + suffix, "partially update " + what, "patch", gvk,
                Parameters.Patch(), Responses(schema, ok: true, created: true));
        }
        if (subresource.Verbs.Contains("create"))
        {
            path["post"] = Operation("create" + _gv + scope + suffix, "create " + subresource.Name + " of " + Article(resource.Kind), "post", gvk,
                Parameters.Write(), Responses(schema, ok: true, created: true, accepted: true), RequestBody(schema));
        }
    }

    private static IEnumerable<JsonObject> Scoped(ResourceType resource, JsonObject name) =>
        resource.Namespaced ? [name, Parameters.Namespace(), Parameters.Pretty()] : [name, Parameters.Pretty()];

    private JsonObject PathItem(string path, IEnumerable<JsonObject> parameters)
    {
        if (!_paths.TryGetValue(path, out var item))
        {
            item = new JsonObject { ["parameters"] = new JsonArray([.. parameters]) };
            _paths[path] = item;
        }
        return item;
    }

    private JsonObject Operation(string id, string description, string action, JsonObject gvk, IEnumerable<JsonObject> parameters,
        JsonObject responses, JsonObject? requestBody = null)
    {
        var operation = new JsonObject
        {
            ["description"] = description,
            ["operationId"] = id,
        };
        var list = new JsonArray([.. parameters.Select(p => p.DeepClone())]);
        if (list.Count > 0)
        {
            operation["parameters"] = list;
        }
        if (requestBody is not null)
        {
            operation["requestBody"] = requestBody;
        }
        operation["responses"] = responses;
        operation["tags"] = new JsonArray(_tag);
        operation["x-kubernetes-action"] = action;
        operation["x-kubernetes-group-version-kind"] = gvk.DeepClone();
        return operation;
    }

    private JsonObject Responses(string? schema, bool ok = false, bool created = false, bool accepted = false)
    {
        var responses = new JsonObject();
        if (ok)
        {
            responses["200"] = Response("OK", schema);
        }
        if (created)
        {
            responses["201"] = Response("Created", schema);
        }
        if (accepted)
        {
            responses["202"] = Response("Accepted", schema);
        }
        responses["401"] = new JsonObject { ["description"] = "Unauthorized" };
        return responses;
    }

    private JsonObject Response(string description, string? schema)
    {
        var response = new JsonObject { ["description"] = description };
        if (schema is not null && schemas.Contains(schema))
        {
            var content = new JsonObject();
            foreach (var mediaType in new[] { "application/json", "application/yaml" })
            {
                content[mediaType] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = SchemaNames.Prefix + schema } };
            }
            response["content"] = content;
        }
        return response;
    }

    private JsonObject? RequestBody(string? schema) => schema is not null && schemas.Contains(schema)
        ? new JsonObject
        {
            ["content"] = new JsonObject
            {
                ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = SchemaNames.Prefix + schema } },
            },
            ["required"] = true,
        }
        : null;

    private static JsonObject TextResponse() => new()
    {
        ["200"] = new JsonObject
        {
            ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } },
            ["description"] = "OK",
        },
        ["401"] = new JsonObject { ["description"] = "Unauthorized" },
    };

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["kind"] = kind, ["version"] = version };

    private static string Article(string kind) => ("AEIOU".Contains(kind[0], StringComparison.Ordinal) ? "an " : "a ") + kind;
}
