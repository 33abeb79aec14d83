using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.OpenApi;

/// <summary>The query and path parameters upstream declares on its operations.</summary>
internal static class Parameters
{
    public static JsonObject Name(string kind) => Path("name", "name of the " + kind);

    public static JsonObject Namespace() => Path("namespace", "object name and auth scope, such as for teams and projects");

    public static JsonObject Pretty() => Query("pretty", "string", "If 'true', then the output is pretty printed.");

    public static IEnumerable<JsonObject> List() =>
    [
        Query("allowWatchBookmarks", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."),
        Query("continue", "string", "The continue option should be set when retrieving more results from the server."),
        Query("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
        Query("labelSelector", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
        Query("limit", "integer", "limit is a maximum number of responses to return for a list call."),
        Query("resourceVersion", "string", "resourceVersion sets a constraint on what resource versions a request may be served from."),
        Query("resourceVersionMatch", "string", "resourceVersionMatch determines how resourceVersion is applied to list calls."),
        Query("sendInitialEvents", "boolean", "`sendInitialEvents=true` may be set together with `watch=true`."),
        Query("timeoutSeconds", "integer", "Timeout for the list/watch call."),
        Query("watch", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."),
    ];

    public static IEnumerable<JsonObject> Write() =>
    [
        DryRun(),
        Query("fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes."),
        FieldValidation(),
    ];

    /// <summary>
    /// PATCH's parameters. kubectl looks for fieldValidation here, on the PATCH operation of each kind, to decide
    /// that the server validates fields itself; without it apply, create -f and replace refuse to run.
    /// </summary>
    public static IEnumerable<JsonObject> Patch() =>
    [
        DryRun(),
        Query("fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes. This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch)."),
        FieldValidation(),
        Query("force", "boolean", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests."),
    ];

    public static IEnumerable<JsonObject> Delete() =>
    [
        DryRun(),
        Query("gracePeriodSeconds", "integer", "The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately."),
        Query("orphanDependents", "boolean", "Deprecated: please use the PropagationPolicy. Should the dependent objects be orphaned."),
        Query("propagationPolicy", "string", "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
    ];

    public static IEnumerable<JsonObject> Log() =>
    [
        Query("container", "string", "The container for which to stream logs. Defaults to only container if there is one container in the pod."),
        Query("follow", "boolean", "Follow the log stream of the pod. Defaults to false."),
        Query("limitBytes", "integer", "If set, the number of bytes to read from the server before terminating the log output."),
        Query("previous", "boolean", "Return previous terminated container logs. Defaults to false."),
        Query("sinceSeconds", "integer", "A relative time in seconds before the current time from which to show logs."),
        Query("tailLines", "integer", "If set, the number of lines from the end of the logs to show."),
        Query("timestamps", "boolean", "If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output."),
    ];

    public static IEnumerable<JsonObject> Exec() =>
    [
        Query("command", "string", "Command is the remote command to execute. argv array. Not executed within a shell."),
        Query("container", "string", "Container in which to execute the command. Defaults to only container if there is only one container in the pod."),
        Query("stderr", "boolean", "Redirect the standard error stream of the pod for this call."),
        Query("stdin", "boolean", "Redirect the standard input stream of the pod for this call. Defaults to false."),
        Query("stdout", "boolean", "Redirect the standard output stream of the pod for this call."),
        Query("tty", "boolean", "TTY if true indicates that a tty will be allocated for the exec call. Defaults to false."),
    ];

    public static IEnumerable<JsonObject> Attach() =>
    [
        Query("container", "string", "The container in which to execute the command. Defaults to only container if there is only one container in the pod."),
        Query("stderr", "boolean", "Stderr if true indicates that stderr is to be redirected for the attach call. Defaults to true."),
        Query("stdin", "boolean", "Stdin if true, redirects the standard input stream of the pod for this call. Defaults to false."),
        Query("stdout", "boolean", "Stdout if true indicates that stdout is to be redirected for the attach call. Defaults to true."),
        Query("tty", "boolean", "TTY if true indicates that a tty will be allocated for the attach call."),
    ];

    public static IEnumerable<JsonObject> PortForward() =>
    [
        Query("ports", "integer", "List of ports to forward Required when using WebSockets"),
    ];

    private static JsonObject DryRun() =>
        Query("dryRun", "string", "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed");

    private static JsonObject FieldValidation() =>
        Query("fieldValidation", "string", "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict: fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present.");

    private static JsonObject Path(string name, string description) => new()
    {
        ["description"] = description,
        ["in"] = "path",
        ["name"] = name,
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static JsonObject Query(string name, string type, string description) => new()
    {
        ["description"] = description,
        ["in"] = "query",
        ["name"] = name,
        ["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true },
    };
}
