using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// The Swagger 2.0 document GET /openapi/v2 answers as JSON: every group-version's OpenAPI 3 document
/// (the same schema registry, paths and extensions) merged into one and rewritten in 2.0's terms, as
/// upstream serves both from one model:
/// <list type="bullet">
/// <item>components.schemas become definitions and every <c>#/components/schemas/</c> reference points at
/// <c>#/definitions/</c>; a lone <c>allOf</c> wrapper around a reference becomes the reference itself;</item>
/// <item>the oneOf of Quantity and IntOrString (no oneOf in 2.0) becomes upstream's <c>type: string</c>
/// (with <c>format: int-or-string</c>); a custom resource's junctors (allOf, anyOf, oneOf, not) are dropped;</item>
/// <item>parameters lose their schema wrapper; a requestBody becomes the <c>body</c> parameter; response
/// content becomes a schema plus the operation's consumes and produces.</item>
/// </list>
/// </summary>
internal static class SwaggerV2
{
    private const string V3SchemaPrefix = "#/components/schemas/";
    private const string V2SchemaPrefix = "#/definitions/";
    private const string V3ParameterPrefix = "#/components/parameters/";
    private const string V2ParameterPrefix = "#/parameters/";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch"];

    // What kube-apiserver's v2 document lists for operations on objects, and for PATCH bodies.
    private static readonly string[] ObjectMediaTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

    private static readonly string[] PatchMediaTypes =
    [
        "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml",
    ];

    /// <summary>
    /// <paramref name="swagger"/> with the paths and definitions of aggregated API servers' own Swagger documents: a
    /// path or definition already there keeps its value (upstream renames a conflicting definition instead).
    /// </summary>
    public static JsonObject Merge(JsonObject swagger, IReadOnlyList<JsonObject> remote)
    {
        if (remote.Count == 0)
        {
            return swagger;
        }
        foreach (var section in new[] { "paths", "definitions" })
        {
            var merged = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var (name, value) in swagger[section] as JsonObject ?? [])
            {
                merged[name] = value?.DeepClone();
            }
            foreach (var document in remote)
            {
                foreach (var (name, value) in document[section] as JsonObject ?? [])
                {
                    merged.TryAdd(name, value?.DeepClone());
                }
            }
            swagger[section] = new JsonObject(merged);
        }
        return swagger;
    }

    public static JsonObject Build(IEnumerable<JsonObject> v3Documents, string kubernetesVersion)
    {
        var paths = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var definitions = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var parameters = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var document in v3Documents)
        {
            if (document["paths"] is JsonObject v3Paths)
            {
                foreach (var (path, item) in v3Paths)
                {
                    if (item is JsonObject pathItem && !paths.ContainsKey(path))
                    {
                        paths[path] = PathItem(pathItem);
                    }
                }
            }
            if (document["components"]?["schemas"] is JsonObject schemas)
            {
                foreach (var (name, schema) in schemas)
                {
                    if (!definitions.ContainsKey(name))
                    {
                        definitions[name] = Schema(schema);
                    }
                }
            }
            if (document["components"]?["parameters"] is JsonObject shared)
            {
                foreach (var (name, parameter) in shared)
                {
                    if (parameter is JsonObject p && !parameters.ContainsKey(name))
                    {
                        parameters[name] = Parameter(p);
                    }
                }
            }
        }

        var swagger = new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = kubernetesVersion },
            ["paths"] = ToObject(paths),
            ["definitions"] = ToObject(definitions),
        };
        if (parameters.Count > 0)
        {
            swagger["parameters"] = ToObject(parameters);
        }
        swagger["securityDefinitions"] = new JsonObject
        {
            ["BearerToken"] = new JsonObject
            {
                ["description"] = "Bearer Token authentication",
                ["in"] = "header",
                ["name"] = "authorization",
                ["type"] = "apiKey",
            },
        };
        swagger["security"] = new JsonArray(new JsonObject { ["BearerToken"] = new JsonArray() });
        return swagger;
    }

    private static JsonObject PathItem(JsonObject item)
    {
        var result = new JsonObject();
        foreach (var (key, value) in item)
        {
            if (key == "parameters" && value is JsonArray list)
            {
                result[key] = Parameters(list);
            }
            else if (Methods.Contains(key) && value is JsonObject operation)
            {
                result[key] = Operation(key, operation);
            }
            else
            {
                result[key] = value?.DeepClone();
            }
        }
        return result;
    }

    private static JsonObject Operation(string method, JsonObject operation)
    {
        var result = new JsonObject();
        var parameters = operation["parameters"] is JsonArray list ? Parameters(list) : [];
        if (operation["requestBody"] is JsonObject body)
        {
            var schema = (body["content"] as JsonObject)?.Select(c => c.Value?["schema"]).FirstOrDefault(s => s is not null);
            var parameter = new JsonObject { ["in"] = "body", ["name"] = "body", ["required"] = true };
            if (schema is not null)
            {
                parameter["schema"] = Schema(schema);
            }
            parameters.Insert(0, parameter);
        }
        var produces = new SortedSet<string>(StringComparer.Ordinal);
        var responses = new JsonObject();
        foreach (var (code, response) in operation["responses"] as JsonObject ?? [])
        {
            responses[code] = Response(response as JsonObject ?? [], produces);
        }

        foreach (var (key, value) in operation)
        {
            switch (key)
            {
                case "parameters" or "requestBody" or "responses":
                    break;
                default:
                    result[key] = value?.DeepClone();
                    break;
            }
        }
        var consumes = method == "patch" ? PatchMediaTypes : method is "put" or "post" && operation["requestBody"] is not null ? ["*/*"] : null;
        if (consumes is not null)
        {
            result["consumes"] = new JsonArray([.. consumes.Select(c => (JsonNode)c)]);
        }
        if (parameters.Count > 0)
        {
            result["parameters"] = parameters;
        }
        if (produces.Count > 0)
        {
            // An object response is offered in every encoding the server writes, as upstream lists them.
            var offered = produces.Contains("application/json") ? ObjectMediaTypes : [.. produces];
            result["produces"] = new JsonArray([.. offered.Select(p => (JsonNode)p)]);
        }
        result["responses"] = responses;
        result["schemes"] = new JsonArray("https");
        return result;
    }

    private static JsonObject Response(JsonObject response, SortedSet<string> produces)
    {
        var result = new JsonObject();
        foreach (var (key, value) in response)
        {
            if (key != "content")
            {
                result[key] = value?.DeepClone();
            }
        }
        if (response["content"] is JsonObject content)
        {
            JsonNode? schema = null;
            foreach (var (mediaType, entry) in content)
            {
                produces.Add(mediaType);
                schema ??= entry?["schema"];
            }
            if (schema is not null)
            {
                result["schema"] = Schema(schema);
            }
        }
        return result;
    }

    private static JsonArray Parameters(JsonArray list) =>
        new([.. list.Select(p => p is JsonObject parameter ? (JsonNode)Parameter(parameter) : p?.DeepClone())]);

    /// <summary>A 3.0 parameter's schema keywords (type, uniqueItems, items…) sit on the parameter itself in 2.0.</summary>
    private static JsonObject Parameter(JsonObject parameter)
    {
        if (parameter["$ref"] is JsonValue reference && reference.TryGetValue(out string? target))
        {
            return new JsonObject { ["$ref"] = Rewrite(target) };
        }
        var result = new JsonObject();
        foreach (var (key, value) in parameter)
        {
            if (key == "schema" && value is JsonObject schema && parameter["in"]?.GetValue<string>() != "body")
            {
                foreach (var (schemaKey, schemaValue) in (JsonObject)Schema(schema)!)
                {
                    result[schemaKey] = schemaValue?.DeepClone();
                }
            }
            else
            {
                result[key] = key == "schema" ? Schema(value) : value?.DeepClone();
            }
        }
        return result;
    }

    /// <summary>Rewrites one schema (recursively) into the subset of JSON Schema that Swagger 2.0 has.</summary>
    internal static JsonNode? Schema(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray array:
                return new JsonArray([.. array.Select(Schema)]);
            case JsonObject obj:
                if (obj["allOf"] is JsonArray { Count: 1 } allOf && allOf[0] is JsonObject single && single["$ref"] is not null)
                {
                    // {"allOf":[{"$ref":X}],"description":D} is how 3.0 puts a description beside a reference;
                    // 2.0 (and upstream's v2 document) writes {"$ref":X,"description":D}.
                    var flattened = (JsonObject)Schema(single)!;
                    foreach (var (key, value) in obj)
                    {
                        if (key != "allOf")
                        {
                            flattened[key] = Schema(value);
                        }
                    }
                    return flattened;
                }
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    switch (key)
                    {
                        case "oneOf" when !obj.ContainsKey("type") && IsTypeAlternatives(value):
                            // Quantity (string|number) and IntOrString (integer|string) are strings in 2.0.
                            result["type"] = "string";
                            break;
                        case "oneOf" or "anyOf" or "allOf" or "not":
                            // A custom resource's junctors: upstream's v2 conversion drops them all, at every level.
                            break;
                        case "nullable":
                            break;
                        case "$ref" when value is JsonValue reference && reference.TryGetValue(out string? target):
                            result[key] = Rewrite(target);
                            break;
                        case "properties" or "definitions" when value is JsonObject map:
                            // Keys here are field names, not keywords: only their values are schemas.
                            result[key] = new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, Schema(p.Value))).ToList());
                            break;
                        case "x-kubernetes-group-version-kind" or "enum" or "required" or "example" or "default":
                            result[key] = value?.DeepClone();
                            break;
                        default:
                            result[key] = Schema(value);
                            break;
                    }
                }
                return result;
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>A built-in kind's oneOf of bare types ({type: string}, {type: number}); a CRD's branches never name a type.</summary>
    private static bool IsTypeAlternatives(JsonNode? value) =>
        value is JsonArray branches && branches.All(b => b is JsonObject { Count: 1 } branch && branch.ContainsKey("type"));

    private static string Rewrite(string reference) =>
        reference.StartsWith(V3SchemaPrefix, StringComparison.Ordinal) ? V2SchemaPrefix + reference[V3SchemaPrefix.Length..]
        : reference.StartsWith(V3ParameterPrefix, StringComparison.Ordinal) ? V2ParameterPrefix + reference[V3ParameterPrefix.Length..]
        : reference;

    private static JsonObject ToObject(SortedDictionary<string, JsonNode?> entries) =>
        new(entries.Select(e => KeyValuePair.Create(e.Key, e.Value)).ToList());
}
