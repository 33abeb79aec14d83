using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Hosting;
using Axolotl.Storage.Sqlite;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

// The pod write path of the scale scenario, in process: the server's request pipeline (authentication, authorization,
// flow control, router, admission, managed fields, the SQLite store, the watch caches that follow it) driven with
// in-memory HttpContexts, one request at a time, so what is measured is the server's CPU and nothing of Kestrel,
// TLS or a client. Each round creates PODS pods (the scale scenario's pod, as admin), binds each (pods/binding, as
// admin), writes each one's status twice as its node's agent does (pods/status PUT of the whole pod, Pending then
// Running, with the node's client certificate) and writes its four Events (the scheduler's and the kubelet's). Each
// phase's process CPU time (user + system, all threads, the watch caches included) is read around it, after a settle
// of 300 ms for the background work it caused. Prints the median and range of CPU µs per request of each phase over
// ROUNDS rounds, after WARMUP rounds that are not counted, and each phase's span on the monotonic clock to stderr.
// With --transcript it prints the differential test's transcript of this build instead (WritePathTranscript).
//   dotnet run -c Release -- [--transcript] [ROUNDS] [PODS] [WARMUP] [LABEL]
var transcript = args.Length > 0 && args[0] == "--transcript";
if (transcript)
{
    args = args[1..];
}
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var pods = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
var warmup = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
var label = args.Length > 3 ? args[3] : "this tree";

var dataDir = Directory.CreateTempSubdirectory("axolotl-write-path-").FullName;
try
{
    await using var store = await SqliteStore.OpenAsync(new SqliteStoreOptions { Path = Path.Combine(dataDir, "state.db") }, TimeProvider.System, CancellationToken.None);
    var options = new ApiServerOptions { DataDir = dataDir, Port = FreePort(), BindAddress = IPAddress.Loopback, KubernetesService = false };
    var host = await ApiServerHost.StartAsync(options, store, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
    try
    {
        if (transcript)
        {
            // The differential test's series of writes (tests/Axolotl.ApiServer.Tests/Rest/WritePathTranscript.cs).
            Console.Write(await Axolotl.ApiServer.Tests.Rest.WritePathTranscript.RunAsync(host.Pipeline, host.Tokens.AdminToken));
            return;
        }
        var admin = new Caller(host.Pipeline, host.Tokens.AdminToken, certificate: null);
        using var nodeCertificate = NodeCertificate(host.Pki.Ca, Bench.Node);
        var agent = new Caller(host.Pipeline, token: null, nodeCertificate);
        await Bench.SetUpAsync(admin, agent);

        var results = new Dictionary<string, List<double>>();
        for (var round = 0; round < warmup + rounds; round++)
        {
            var measured = await Bench.RoundAsync(admin, agent, round, pods);
            if (round < warmup)
            {
                continue;
            }
            foreach (var (phase, micros) in measured)
            {
                (results.TryGetValue(phase, out var list) ? list : results[phase] = []).Add(micros);
            }
        }
        Console.WriteLine($"| {label}: CPU µs per request ({rounds} rounds of {pods} pods, {warmup} warm-up) | median | min | max |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (phase, list) in results)
        {
            list.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {phase} | {list[list.Count / 2]:F0} | {list[0]:F0} | {list[^1]:F0} |"));
        }
    }
    finally
    {
        await host.StopAsync(CancellationToken.None);
        await host.DisposeAsync();
    }
}
finally
{
    Directory.Delete(dataDir, recursive: true);
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

// What a node's kubelet client certificate says (O=system:nodes, CN=system:node:NAME), signed by the cluster CA as the
// CSR signer would sign it.
static X509Certificate2 NodeCertificate(X509Certificate2 ca, string node)
{
    var subject = new X500DistinguishedNameBuilder();
    subject.AddOrganizationName("system:nodes");
    subject.AddCommonName("system:node:" + node);
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
    request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
    request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
    var now = DateTimeOffset.UtcNow;
    using var signed = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
    return signed.CopyWithPrivateKey(key);
}

internal static class Bench
{
    public const string Node = "bench-node-0";
    public const string Namespace = "bench";

    public static async Task SetUpAsync(Caller admin, Caller agent)
    {
        await admin.ExpectAsync(201, "POST", "/api/v1/namespaces", $$$$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{{{Namespace}}}}}"}}""");
        // The service account admission plugin wants the namespace's default ServiceAccount (the controllers make it).
        await admin.ExpectAsync(201, "POST", $"/api/v1/namespaces/{Namespace}/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}""");
        await agent.ExpectAsync(201, "POST", "/api/v1/nodes", $$$$$"""
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{{{Node}}}}}","labels":{"kubernetes.io/hostname":"{{{{{Node}}}}}"}},
            "status":{"capacity":{"cpu":"64","memory":"256Gi","pods":"1000"},"allocatable":{"cpu":"64","memory":"256Gi","pods":"1000"}}}
            """);
    }

    /// <summary>One round: CPU µs per request of each phase.</summary>
    public static async Task<List<(string Phase, double Micros)>> RoundAsync(Caller admin, Caller agent, int round, int pods)
    {
        var names = Enumerable.Range(0, pods).Select(i => string.Create(CultureInfo.InvariantCulture, $"r{round}-p{i:D5}")).ToArray();
        var result = new List<(string, double)>();
        var collection = $"/api/v1/namespaces/{Namespace}/pods";

        result.Add(await MeasureAsync("pod POST (create)", pods, async () =>
        {
            foreach (var name in names)
            {
                await admin.ExpectAsync(201, "POST", collection, Pod(name));
            }
        }));
        result.Add(await MeasureAsync("pods/binding POST", pods, async () =>
        {
            foreach (var name in names)
            {
                await admin.ExpectAsync(201, "POST", $"{collection}/{name}/binding",
                    $$$$$"""{"apiVersion":"v1","kind":"Binding","metadata":{"name":"{{{{{name}}}}}"},"target":{"apiVersion":"v1","kind":"Node","name":"{{{{{Node}}}}}"}}""");
            }
        }));

        // The agent writes the pod as its informer shows it, with the status it computed.
        var bound = new JsonObject[pods];
        for (var i = 0; i < pods; i++)
        {
            bound[i] = (JsonObject)JsonNode.Parse(await admin.ExpectAsync(200, "GET", $"{collection}/{names[i]}", body: null))!;
        }
        var running = new JsonObject[pods];
        var start = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        result.Add(await MeasureAsync("pods/status PUT (Pending, then Running)", 2 * pods, async () =>
        {
            for (var i = 0; i < pods; i++)
            {
                bound[i]["status"] = JsonNode.Parse(PendingStatus(start));
                var pending = (JsonObject)JsonNode.Parse(await agent.ExpectAsync(200, "PUT", $"{collection}/{names[i]}/status", bound[i].ToJsonString()))!;
                pending["status"] = JsonNode.Parse(RunningStatus(start));
                running[i] = pending;
                await agent.ExpectAsync(200, "PUT", $"{collection}/{names[i]}/status", pending.ToJsonString());
            }
        }));

        // The four Events a pod's start writes in the scale scenario (45 % of its requests): the scheduler's Scheduled
        // (as admin here), then the kubelet's Pulled, Created and Started with the node's certificate, each a core/v1
        // Event POST as client-go's recorder sends it.
        var events = $"/api/v1/namespaces/{Namespace}/events";
        result.Add(await MeasureAsync("Event POST (Scheduled, Pulled, Created, Started)", 4 * pods, async () =>
        {
            for (var i = 0; i < pods; i++)
            {
                var uid = running[i]["metadata"]!["uid"]!.GetValue<string>();
                await admin.ExpectAsync(201, "POST", events, Event(names[i], uid, i, "Scheduled", $"Successfully assigned {Namespace}/{names[i]} to {Node}", "default-scheduler", fieldPath: null, start));
                await agent.ExpectAsync(201, "POST", events, Event(names[i], uid, i, "Pulled", "Container image \\\"nginx:1.25\\\" already present on machine", "kubelet", "spec.containers{web}", start));
                await agent.ExpectAsync(201, "POST", events, Event(names[i], uid, i, "Created", "Created container: web", "kubelet", "spec.containers{web}", start));
                await agent.ExpectAsync(201, "POST", events, Event(names[i], uid, i, "Started", "Started container web", "kubelet", "spec.containers{web}", start));
            }
        }));
        return result;
    }

    /// <summary>An Event as client-go's legacy recorder creates it (named after the object and a nanosecond stamp).</summary>
    private static string Event(string pod, string uid, int index, string reason, string message, string component, string? fieldPath, string at)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{pod}.{reason.ToLowerInvariant()}{index:x}");
        var path = fieldPath is null ? "" : $$$$$""","fieldPath":"{{{{{fieldPath}}}}}" """;
        var host = component == "kubelet" ? $$$$$""","host":"{{{{{Node}}}}}" """ : "";
        return $$$$$"""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"{{{{{name}}}}}","namespace":"{{{{{Namespace}}}}}"},
            "involvedObject":{"kind":"Pod","namespace":"{{{{{Namespace}}}}}","name":"{{{{{pod}}}}}","uid":"{{{{{uid}}}}}","apiVersion":"v1"{{{{{path}}}}}},
            "reason":"{{{{{reason}}}}}","message":"{{{{{message}}}}}","source":{"component":"{{{{{component}}}}}"{{{{{host}}}}}},
            "firstTimestamp":"{{{{{at}}}}}","lastTimestamp":"{{{{{at}}}}}","count":1,"type":"Normal","eventTime":null,
            "reportingComponent":"{{{{{component}}}}}","reportingInstance":"{{{{{(component == "kubelet" ? Node : "")}}}}}"}
            """;
    }

    private static async Task<(string Phase, double Micros)> MeasureAsync(string name, int requests, Func<Task> phase)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        await phase();
        // The watch caches decode and serialise each event on their own threads.
        await Task.Delay(300);
        // The phase's span on the monotonic clock (perf's sample times), so a profile can be cut to one phase:
        // `perf script --time START,END`.
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"phase '{name}': {Seconds(start):F6},{Seconds(Stopwatch.GetTimestamp()):F6}"));
        process.Refresh();
        return (name, (process.TotalProcessorTime - before).TotalMicroseconds / requests);
    }

    private static double Seconds(long timestamp) => (double)timestamp / Stopwatch.Frequency;

    /// <summary>The scale scenario's pod.</summary>
    private static string Pod(string name) => $$$$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{{{name}}}}}","namespace":"{{{{{Namespace}}}}}","labels":{"app":"scale","tier":"web"}},
        "spec":{"restartPolicy":"Always","terminationGracePeriodSeconds":1,"containers":[{"name":"web","image":"nginx:1.25",
        "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],"env":[{"name":"MODE","value":"scale"}],
        "resources":{"requests":{"cpu":"5m","memory":"8Mi"},"limits":{"cpu":"100m","memory":"64Mi"}},
        "readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":10}}]}}
        """;

    private static string PendingStatus(string start) => $$$$$"""
        {"phase":"Pending","hostIP":"10.0.0.1","hostIPs":[{"ip":"10.0.0.1"}],"startTime":"{{{{{start}}}}}","qosClass":"Burstable",
        "conditions":[{"type":"PodReadyToStartContainers","status":"False","lastTransitionTime":"{{{{{start}}}}}"},
        {"type":"Initialized","status":"True","lastTransitionTime":"{{{{{start}}}}}"},
        {"type":"Ready","status":"False","lastTransitionTime":"{{{{{start}}}}}","reason":"ContainersNotReady","message":"containers with unready status: [web]"},
        {"type":"ContainersReady","status":"False","lastTransitionTime":"{{{{{start}}}}}","reason":"ContainersNotReady","message":"containers with unready status: [web]"},
        {"type":"PodScheduled","status":"True","lastTransitionTime":"{{{{{start}}}}}"}],
        "containerStatuses":[{"name":"web","image":"nginx:1.25","imageID":"","ready":false,"restartCount":0,"started":false,
        "state":{"waiting":{"reason":"ContainerCreating"}}}]}
        """;

    private static string RunningStatus(string start) => $$$$$"""
        {"phase":"Running","hostIP":"10.0.0.1","hostIPs":[{"ip":"10.0.0.1"}],"podIP":"10.244.0.7","podIPs":[{"ip":"10.244.0.7"}],
        "startTime":"{{{{{start}}}}}","qosClass":"Burstable",
        "conditions":[{"type":"PodReadyToStartContainers","status":"True","lastTransitionTime":"{{{{{start}}}}}"},
        {"type":"Initialized","status":"True","lastTransitionTime":"{{{{{start}}}}}"},
        {"type":"Ready","status":"True","lastTransitionTime":"{{{{{start}}}}}"},
        {"type":"ContainersReady","status":"True","lastTransitionTime":"{{{{{start}}}}}"},
        {"type":"PodScheduled","status":"True","lastTransitionTime":"{{{{{start}}}}}"}],
        "containerStatuses":[{"name":"web","image":"docker.io/library/nginx:1.25","imageID":"sha256:0123","containerID":"fake://0123",
        "ready":true,"restartCount":0,"started":true,"state":{"running":{"startedAt":"{{{{{start}}}}}"}}}]}
        """;
}

/// <summary>One client: its credentials, and the connection its requests share (client certificates are checked once per connection).</summary>
internal sealed class Caller(RequestDelegate pipeline, string? token, X509Certificate2? certificate)
{
    private readonly ConnectionItems _connection = new();

    public async Task<byte[]> ExpectAsync(int status, string method, string path, string? body)
    {
        var ctx = new DefaultHttpContext();
        ctx.Features.Set<IConnectionItemsFeature>(_connection);
        ctx.Request.Method = method;
        ctx.Request.Scheme = "https";
        ctx.Request.Host = new HostString("127.0.0.1", 6443);
        ctx.Request.Path = path;
        ctx.Request.Protocol = "HTTP/2";
        ctx.Request.Headers.Accept = "application/json";
        ctx.Request.Headers.UserAgent = "write-path-bench";
        if (token is not null)
        {
            ctx.Request.Headers.Authorization = "Bearer " + token;
        }
        ctx.Connection.ClientCertificate = certificate;
        ctx.Connection.RemoteIpAddress = IPAddress.Loopback;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            ctx.Request.ContentType = "application/json";
            ctx.Request.ContentLength = bytes.Length;
            ctx.Request.Body = new MemoryStream(bytes);
        }
        var response = new MemoryStream();
        ctx.Response.Body = response;
        await pipeline(ctx);
        if (ctx.Response.StatusCode != status)
        {
            throw new InvalidOperationException($"{method} {path}: {ctx.Response.StatusCode}, want {status}: {Encoding.UTF8.GetString(response.ToArray())}");
        }
        return response.ToArray();
    }

    private sealed class ConnectionItems : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }
}
