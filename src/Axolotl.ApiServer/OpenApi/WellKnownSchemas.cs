using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// Schemas upstream hand-writes rather than generates (the scalar wrappers), and the standard wording of the
/// fields every kind and list shares, used when a model leaves them undescribed.
/// </summary>
internal static class WellKnownSchemas
{
    public const string ApiVersionDescription =
        "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";

    public const string KindDescription =
        "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

    public const string MetadataDescription =
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public const string ListMetadataDescription =
        "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public static string SpecDescription(string kind) =>
        $"Specification of the desired behavior of the {kind}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status";

    public static string StatusDescription(string kind) =>
        $"Most recently observed status of the {kind}. This data may not be up to date. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status";

    public static JsonObject Time() => new()
    {
        ["description"] = "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON. Wrappers are provided for many of the factory methods that the time package offers.",
        ["type"] = "string",
        ["format"] = "date-time",
    };

    public static JsonObject MicroTime() => new()
    {
        ["description"] = "MicroTime is version of Time with microsecond level precision.",
        ["type"] = "string",
        ["format"] = "date-time",
    };

    // OpenAPI v3 states the two accepted JSON forms with oneOf, as upstream's v3 documents do.
    public static JsonObject Quantity(string? description) => new()
    {
        ["description"] = description ?? "Quantity is a fixed-point representation of a number, such as 500m, 128Mi or 2.",
        ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "number" }),
    };

    public static JsonObject IntOrString(string? description) => new()
    {
        ["description"] = description ?? "IntOrString is a type that can hold an int32 or a string.",
        ["format"] = "int-or-string",
        ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
    };
}
