using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Stand-in for kiamol/ch04-todo-list (seed 001): a todo web app on :80 backed by PostgreSQL (the
/// postgres seed image is Debian's real server). The connection string is <c>ConnectionStrings:ToDoDb</c>
/// from /app/config/config.json, then /app/secrets/secrets.json (later files win, as ASP.NET layers
/// them), then the environment variable ConnectionStrings__ToDoDb, with TODO_DB_HOST / TODO_DB_PORT
/// overriding its host and port; default Host=todo-db;Port=5432;Database=todo;Username=postgres. When the
/// database cannot be reached <c>/</c> answers 500 with the reason, so HTTP probes on <c>/</c> fail.
/// </summary>
public static class TodoWeb
{
    private static readonly TimeSpan DbTimeout = TimeSpan.FromSeconds(2);

    public static Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", 80);
        var configDir = args.Get("config-dir", "/app");
        var connectionString = ResolveConnectionString(configDir);
        var store = new TodoStore(connectionString);
        var (host, dbPort) = (store.Host, store.Port);
        Log.Line($"todo-web: using the todo database at {host}:{dbPort}");

        return HttpApp.RunAsync(port, async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            int status;
            try
            {
                if (path == "/new" && HttpMethods.IsPost(context.Request.Method))
                {
                    var item = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync())["item"].ToString() : "";
                    if (string.IsNullOrWhiteSpace(item))
                    {
                        status = StatusCodes.Status400BadRequest;
                        context.Response.StatusCode = status;
                        await context.Response.WriteAsync("item is required\n");
                    }
                    else
                    {
                        await store.AddAsync(item.ReplaceLineEndings(" "), context.RequestAborted);
                        status = StatusCodes.Status302Found;
                        context.Response.Redirect("/");
                    }
                }
                else if (path == "/new")
                {
                    status = 200;
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.WriteAsync(Page("New item", NewForm));
                }
                else if (path is "/" or "/list")
                {
                    var items = await store.ListAsync(context.RequestAborted);
                    status = 200;
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.WriteAsync(Page("To-do list", List(items)));
                }
                else
                {
                    status = StatusCodes.Status404NotFound;
                    context.Response.StatusCode = status;
                    await context.Response.WriteAsync("Not found\n");
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or SocketException or TimeoutException or OperationCanceledException)
            {
                status = StatusCodes.Status500InternalServerError;
                var message = $"Error: cannot reach the todo database at {host}:{dbPort}: {e.Message}";
                Log.Line("todo-web: " + message);
                context.Response.StatusCode = status;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(Page("Error", $"<p class=\"error\">{WebUtility.HtmlEncode(message)}</p>\n"));
            }

            Log.Line($"{HttpApp.RemoteAddress(context)} \"{context.Request.Method} {path}\" {status}");
        });
    }

    /// <summary>The database's connection string, from the config files and environment; bounded connect and command times.</summary>
    public static string ResolveConnectionString(string appDir)
    {
        var builder = new NpgsqlConnectionStringBuilder(DefaultConnectionString);
        foreach (var text in new[]
        {
            ReadConnectionString(Path.Combine(appDir, "config", "config.json")),
            ReadConnectionString(Path.Combine(appDir, "secrets", "secrets.json")),
            Environment.GetEnvironmentVariable("ConnectionStrings__ToDoDb"),
        })
        {
            if (!string.IsNullOrWhiteSpace(text))
            {
                builder = new NpgsqlConnectionStringBuilder(text);
            }
        }

        if (Environment.GetEnvironmentVariable("TODO_DB_HOST") is { Length: > 0 } host)
        {
            builder.Host = host;
        }

        if (int.TryParse(Environment.GetEnvironmentVariable("TODO_DB_PORT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port))
        {
            builder.Port = port;
        }

        builder.Timeout = (int)DbTimeout.TotalSeconds;
        builder.CommandTimeout = 5;
        return builder.ConnectionString;
    }

    private const string DefaultConnectionString = "Host=todo-db;Port=5432;Database=todo;Username=postgres";

    private static string? ReadConnectionString(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return doc.RootElement.TryGetProperty("ConnectionStrings", out var cs) && cs.ValueKind == JsonValueKind.Object
                && cs.TryGetProperty("ToDoDb", out var db) && db.ValueKind == JsonValueKind.String
                ? db.GetString()
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private const string NewForm = "<form method=\"post\" action=\"/new\"><input name=\"item\"> <button>Add</button></form>\n";

    private static string List(IEnumerable<string> items)
    {
        var html = new StringBuilder("<ul>\n");
        foreach (var item in items)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>{WebUtility.HtmlEncode(item)}</li>\n");
        }

        return html.Append("</ul>\n").Append(NewForm).ToString();
    }

    private static string Page(string title, string body) =>
        $"<!DOCTYPE html>\n<html>\n<head><title>ToDo List - {title}</title></head>\n<body>\n<h1>{title}</h1>\n{body}</body>\n</html>\n";
}
