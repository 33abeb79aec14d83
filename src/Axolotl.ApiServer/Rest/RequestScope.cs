using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Rest;

/// <summary>One resource request: the addressed resource plus the query parameters every verb shares.</summary>
public sealed class RequestScope(HttpContext http, ResourceType type, string? ns, string? name, string? subresource)
{
    public HttpContext Http { get; } = http;
    public ResourceType Type { get; } = type;
    public string? Namespace { get; } = ns;
    public string? Name { get; } = name;
    public string? Subresource { get; } = subresource;
    public List<string> Warnings { get; } = [];
    public CancellationToken Aborted => Http.RequestAborted;

    public string? Query(string key) => Http.Request.Query.TryGetValue(key, out var v) ? v.ToString() : null;

    /// <summary>dryRun=All: run admission, store nothing.</summary>
    public bool DryRun => Query("dryRun") switch
    {
        null or "" => false,
        "All" => true,
        var other => throw ApiErrors.BadRequest($"Invalid dryRun: supported values: \"All\", got \"{other}\""),
    };

    public FieldValidationMode FieldValidation => FieldValidationModes.Parse(Query("fieldValidation"));

    public string RequiredName => Name ?? throw ApiErrors.MethodNotAllowed();
}
