using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Axolotl.SampleApps.Common;
using Microsoft.AspNetCore.Http;

namespace Axolotl.SampleApps.Apps;

/// <summary>
/// Stand-in for rslim087/kubernetes-course-grade-submission-portal (seed 000): a web page on :5001
/// listing the grades held by the grade API at <c>GRADE_SERVICE_HOST</c>:3000, with a form that
/// submits new ones. When the API is down the page still renders (200) with an error line, so the
/// portal stays Running while the API is OOM-killed and restarted.
/// </summary>
public static class GradePortal
{
    public static Task<int> RunAsync(AppArgs args)
    {
        var port = args.GetPort("port", 5001);
        var apiHost = args.Get("api-host") ?? Env("GRADE_SERVICE_HOST") ?? "grade-submission-api";
        var apiPort = args.Get("api-port") ?? Env("GRADE_SERVICE_PORT") ?? "3000";
        var api = new Uri($"http://{apiHost}:{apiPort}/grade");
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        Log.Line($"grade-portal: using the grade API at {api}");

        return HttpApp.RunAsync(port, async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            if (path == "/healthz")
            {
                await context.Response.WriteAsync("ok\n");
                return;
            }

            if (path == "/grade" && HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
            {
                var form = await context.Request.ReadFormAsync();
                var json = JsonText.Object(("name", form["name"].ToString()), ("subject", form["subject"].ToString()), ("score", form["score"].ToString()));
                try
                {
                    using var content = new ByteArrayContent(json);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    using var posted = await http.PostAsync(api, content);
                    Log.Line($"grade-portal: submitted a grade, API answered {(int)posted.StatusCode}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Log.Line($"grade-portal: could not submit a grade: {e.Message}");
                }

                context.Response.Redirect("/");
                return;
            }

            if (path != "/")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync("Not found\n");
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(await RenderAsync(http, api));
        });
    }

    private static async Task<string> RenderAsync(HttpClient http, Uri api)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html>\n<head><title>Grade Submission Portal</title></head>\n<body>\n<h1>Grade Submission Portal</h1>\n");
        page.Append("<form method=\"post\" action=\"/grade\">Name <input name=\"name\"> Subject <input name=\"subject\"> Score <input name=\"score\"> <button>Submit</button></form>\n");
        try
        {
            using var response = await http.GetAsync(api);
            response.EnsureSuccessStatusCode();
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var rows = doc.RootElement.EnumerateArray().ToList();
            page.Append(CultureInfo.InvariantCulture, $"<p>{rows.Count} grades</p>\n<table>\n<tr><th>Name</th><th>Subject</th><th>Score</th></tr>\n");
            foreach (var row in rows)
            {
                page.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{Text(row, "name")}</td><td>{Text(row, "subject")}</td><td>{Text(row, "score")}</td></tr>\n");
            }

            page.Append("</table>\n");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            Log.Line($"grade-portal: grade API unavailable: {e.Message}");
            page.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">Error: the grade service at {WebUtility.HtmlEncode(api.ToString())} is unavailable ({WebUtility.HtmlEncode(e.Message)})</p>\n");
        }

        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    private static string Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var v) ? WebUtility.HtmlEncode(v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText()) : "";

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
