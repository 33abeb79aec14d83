using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Validation;

namespace Axolotl.ApiServer.Errors;

/// <summary>Builds the Status errors upstream's apiserver returns, with its wording.</summary>
public static class ApiErrors
{
    public static ApiException Make(int code, string reason, string message, StatusDetails? details = null) =>
        new(new Status { Outcome = "Failure", Code = code, Reason = reason, Message = message, Details = details });

    public static ApiException NotFound(ResourceType type, string name) =>
        Make(404, "NotFound", $"{type.QualifiedResource} \"{name}\" not found", Details(type, name));

    public static ApiException NotFound(string message) => Make(404, "NotFound", message, new StatusDetails());

    public static ApiException NoSuchPath() =>
        Make(404, "NotFound", "the server could not find the requested resource", new StatusDetails());

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        Make(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists", Details(type, name));

    public static ApiException Conflict(ResourceType type, string name, string detail) =>
        Make(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": {detail}", Details(type, name));

    public static ApiException Modified(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        // A problem with the whole object (e.g. its total size) has an empty path, which upstream renders as "[]".
        errors = [.. errors.Select(e => e.Field.Length == 0 ? e with { Field = "[]" } : e)];
        var joined = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        // Upstream names the kind with its group (GroupKind.String(): "Deployment.apps"); kubectl prints
        // details.kind ("The Deployment ... is invalid"), the clients print the message.
        var qualifiedKind = type.Group.Length == 0 ? type.Kind : type.Kind + "." + type.Group;
        return Make(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {joined}", new StatusDetails
        {
            Name = name,
            Group = type.Group,
            Kind = type.Kind,
            Causes = [.. errors.Select(e => new StatusCause { Type = e.Reason, Message = e.Message, Field = e.Field })],
        });
    }

    public static ApiException BadRequest(string message) => Make(400, "BadRequest", message);

    public static ApiException Unauthorized() => Make(401, "Unauthorized", "Unauthorized");

    public static ApiException Forbidden(ResourceType type, string name, string message) =>
        Make(403, "Forbidden", message, Details(type, name));

    public static ApiException MethodNotAllowed(string message) => Make(405, "MethodNotAllowed", message, new StatusDetails());

    public static ApiException MethodNotAllowed() =>
        Make(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new StatusDetails());

    public static ApiException Gone(string message) => Make(410, "Expired", message);

    public static ApiException TooLarge(long limit) =>
        Make(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}");

    public static ApiException UnsupportedMediaType(string contentType, IEnumerable<string> accepted) =>
        Make(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}");

    public static ApiException NotAcceptable(string message) => Make(406, "NotAcceptable", message);

    public static ApiException Internal(string message) => Make(500, "InternalError", $"Internal error occurred: {message}");

    /// <summary>
    /// An error that is no Status (a conversion webhook's, say): upstream's ErrorToAPIStatus serves it as a 500
    /// with reason Unknown, which is empty, so kubectl prints "Error from server: " and the message.
    /// </summary>
    public static ApiException Unclassified(string message) =>
        new(new Status { Outcome = "Failure", Code = 500, Message = message });

    public static ApiException Unavailable(string message) => Make(503, "ServiceUnavailable", message);

    private static StatusDetails Details(ResourceType type, string name) =>
        new() { Name = name, Group = type.Group.Length == 0 ? null : type.Group, Kind = type.Plural };
}
