using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Tests.Rest;

/// <summary>
/// A fixed series of pod writes through the server's request pipeline (creates with several managers, label patches,
/// status-only PUTs, a no-op PUT, apply, and bodies that fail decoding or validation), answered and written down with
/// what varies from run to run (uids, times, resourceVersions, generated names) replaced by placeholders. The
/// transcript of one build is compared with the one recorded from the build before the write path was cut
/// (<c>Rest/Fixtures/write-path-transcript.txt</c>): `bench/write-path` prints it with <c>--transcript</c>, built against any commit.
/// </summary>
public static partial class WritePathTranscript
{
    private const string Ns = "transcript";

    public static async Task<string> RunAsync(RequestDelegate pipeline, string adminToken)
    {
        var log = new StringBuilder();
        async Task<JsonObject?> Call(string method, string path, string? body, string contentType = "application/json")
        {
            var ctx = new DefaultHttpContext();
            ctx.Request.Method = method;
            ctx.Request.Scheme = "https";
            ctx.Request.Host = new HostString("127.0.0.1", 6443);
            var query = path.IndexOf('?', StringComparison.Ordinal);
            ctx.Request.Path = query < 0 ? path : path[..query];
            ctx.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
            ctx.Request.Headers.Accept = "application/json";
            ctx.Request.Headers.Authorization = "Bearer " + adminToken;
            ctx.Connection.RemoteIpAddress = IPAddress.Loopback;
            if (body is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(body);
                ctx.Request.ContentType = contentType;
                ctx.Request.ContentLength = bytes.Length;
                ctx.Request.Body = new MemoryStream(bytes);
            }
            var response = new MemoryStream();
            ctx.Response.Body = response;
            await pipeline(ctx);
            var text = Encoding.UTF8.GetString(response.ToArray());
            log.Append("## ").Append(method).Append(' ').Append(path).Append(" → ").Append(ctx.Response.StatusCode).Append('\n');
            foreach (var warning in ctx.Response.Headers["Warning"])
            {
                log.Append("Warning: ").Append(warning).Append('\n');
            }
            log.Append(Normalise(text)).Append("\n\n");
            return text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) as JsonObject : null;
        }

        await Call("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + Ns + "\"}}");
        await Call("POST", $"/api/v1/namespaces/{Ns}/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}""");
        var pods = $"/api/v1/namespaces/{Ns}/pods";
        const string Spec = """
            "spec":{"restartPolicy":"Always","terminationGracePeriodSeconds":1,"containers":[{"name":"web","image":"nginx:1.25",
            "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],"env":[{"name":"MODE","value":"scale"}],
            "resources":{"requests":{"cpu":"5m","memory":"8Mi"},"limits":{"cpu":"100m","memory":"64Mi"}},
            "readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":10}}]}
            """;

        // Creates: the scale pod; one with nulls Go would zero; one with a generated name; unknown fields warned.
        await Call("POST", pods + "?fieldManager=creator", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"app":"scale"}},""" + Spec + "}");
        await Call("POST", pods, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"nulls","labels":{"x":null},"annotations":{"y":null}},"spec":{"containers":[{"name":"c","image":"busybox","args":[null,"x"],"env":[{"name":"E","value":null}]}],"nodeSelector":{"disk":null}}}""");
        await Call("POST", pods, """{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"gen-"},""" + Spec + "}");
        await Call("POST", pods + "?fieldValidation=Warn", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"warned","zz":1},"spec":{"containers":[{"name":"c","image":"busybox","imagee":"typo","livenessProbe":{"exec":{"command":["true"]},"periodSecondz":1}}],"zz2":{"a":1}}}""");
        await Call("POST", pods + "?fieldValidation=Ignore", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ignored"},"spec":{"containers":[{"name":"c","image":"busybox","imagee":"typo"}]}}""");

        // Refusals: unknown fields under Strict, a body that does not decode, validation causes, an exact duplicate.
        await Call("POST", pods + "?fieldValidation=Strict", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"strict"},"spec":{"containers":[{"name":"c","image":"busybox","imagee":"typo"}],"foo":1},"bar":{}}""");
        await Call("POST", pods, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"badtype"},"spec":{"containers":[{"name":"c","image":"busybox","ports":[{"containerPort":"eighty"}]}]}}""");
        await Call("POST", pods, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"Invalid_Name"},"spec":{"containers":[null,{"name":"c","image":"","ports":[{"containerPort":70000}],"resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}],"restartPolicy":"Sometimes"}}""");
        await Call("POST", pods, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"dup","labels":{"a":"b","a":"c"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
        await Call("POST", pods, """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},""" + Spec + "}");

        // A second and a third manager: a label patch, and an apply.
        await Call("PATCH", pods + "/a?fieldManager=labeler", """{"metadata":{"labels":{"tier":"web"},"annotations":{"note":"x"}}}""", "application/merge-patch+json");
        await Call("PATCH", pods + "/a?fieldManager=applier&force=true", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"applied":"yes"}}}""", "application/apply-patch+yaml");
        await Call("POST", pods + "/a/binding", """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"a"},"target":{"apiVersion":"v1","kind":"Node","name":"n1"}}""");

        // The agent's status writes: whole pod PUTs to pods/status, Pending, Running, the same again (no write), a
        // spec change through status (ignored), a stale resourceVersion (409), an invalid status.
        var pod = (await Call("GET", pods + "/a", null))!;
        pod["status"] = JsonNode.Parse("""
            {"phase":"Pending","hostIP":"10.0.0.1","hostIPs":[{"ip":"10.0.0.1"}],"startTime":"2026-01-01T00:00:00Z","qosClass":"Burstable",
            "conditions":[{"type":"Initialized","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"},
            {"type":"Ready","status":"False","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"ContainersNotReady"},
            {"type":"PodScheduled","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"}],
            "containerStatuses":[{"name":"web","image":"nginx:1.25","imageID":"","ready":false,"restartCount":0,"started":false,"state":{"waiting":{"reason":"ContainerCreating"}}}]}
            """);
        var pending = (await Call("PUT", pods + "/a/status?fieldManager=kubelet", pod.ToJsonString()))!;
        pending["status"]!["phase"] = "Running";
        pending["status"]!["podIP"] = "10.244.0.7";
        pending["status"]!["containerStatuses"]![0]!["state"] = JsonNode.Parse("""{"running":{"startedAt":"2026-01-01T00:00:01Z"}}""");
        pending["status"]!["containerStatuses"]![0]!["ready"] = true;
        var running = (await Call("PUT", pods + "/a/status?fieldManager=kubelet", pending.ToJsonString()))!;
        await Call("PUT", pods + "/a/status?fieldManager=kubelet", running.ToJsonString());
        running["spec"]!["containers"]![0]!["image"] = "nginx:1.26";
        running["status"]!["message"] = "spec change ignored";
        await Call("PUT", pods + "/a/status?fieldManager=other-agent", running.ToJsonString());
        await Call("PUT", pods + "/a/status?fieldManager=kubelet", pending.ToJsonString());
        var fresh = (await Call("GET", pods + "/a", null))!;
        fresh["status"]!["podIP"] = "not-an-ip";
        fresh["status"]!["zz"] = 1;
        await Call("PUT", pods + "/a/status?fieldManager=kubelet", fresh.ToJsonString());
        fresh = (await Call("GET", pods + "/a", null))!;
        fresh["status"]!["conditions"] = JsonNode.Parse("""[{"type":"Ready","status":"True"},{"type":"Ready","status":"False"}]""");
        await Call("PUT", pods + "/a/status?fieldManager=kubelet", fresh.ToJsonString());

        // A main-resource PUT that changes labels and carries a status (kept as stored), and a reset of managedFields.
        var latest = (await Call("GET", pods + "/a", null))!;
        latest["metadata"]!["labels"]!["put"] = "yes";
        latest["status"]!["phase"] = "Failed";
        latest = (await Call("PUT", pods + "/a?fieldManager=putter", latest.ToJsonString()))!;
        latest["metadata"]!["managedFields"] = new JsonArray(new JsonObject());
        await Call("PUT", pods + "/a", latest.ToJsonString());
        return log.ToString();
    }

    /// <summary>What differs between two runs of the same build: identities, times, revisions, generated names.</summary>
    private static string Normalise(string text)
    {
        text = Uid().Replace(text, "<uid>");
        text = Time().Replace(text, "<time>");
        text = Revision().Replace(text, "\"resourceVersion\":\"<rv>\"");
        text = Generated().Replace(text, "gen-<x>");
        text = TokenVolume().Replace(text, "kube-api-access-<x>");
        return text;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uid();

    [GeneratedRegex(@"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")]
    private static partial Regex Time();

    [GeneratedRegex("\"resourceVersion\":\"\\d+\"")]
    private static partial Regex Revision();

    [GeneratedRegex("gen-[a-z0-9]{5}")]
    private static partial Regex Generated();

    [GeneratedRegex("kube-api-access-[a-z0-9]{5}")]
    private static partial Regex TokenVolume();
}
