using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
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

    /// <summary>A boolean parameter as kube-apiserver reads it (<see cref="Api.Meta.QueryValues"/>).</summary>
    public bool Bool(string key) => Http.Request.Query.Bool(key);

    /// <summary>An int64 parameter, null when absent; a bad one is a 400 BadRequest.</summary>
    public long? Int64(string key) => Http.Request.Query.Int64(key);

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
