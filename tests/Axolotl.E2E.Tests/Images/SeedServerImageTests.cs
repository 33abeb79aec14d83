using System.Net;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Images;

/// <summary>
/// The bundled nginx and postgres images are Debian's real programs (docs/images/seed-images.md):
/// nginx answers 404 for an unknown path and serves its default page, its access log in the official
/// image's format on the pod's log; postgres runs initdb with the official image's environment and
/// accepts a password login and a query over TCP on 5432.
/// </summary>
[Collection(SharedServerBCollection.Name)]
public sealed class SeedServerImageTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Nginx_serves_its_default_page_answers_404_for_an_unknown_path_and_logs_both_to_stdout()
    {
        var ns = await fx.NewNamespaceAsync("seed-nginx");
        await fx.Kubectl.OkAsync("run", "web", "-n", ns, "--image=nginx:1.25", "--port=80");
        await fx.Kubectl.OkAsync("wait", "--for=condition=Ready", "pod/web", "-n", ns, "--timeout=120s");
        var ip = await fx.Kubectl.OkAsync("get", "pod", "web", "-n", ns, "-o", "jsonpath={.status.podIP}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var page = await Eventually.UntilAsync(() => GetAsync(http, $"http://{ip}/"), r => r is not null, "nginx to answer", Slow);
        Assert.Equal(HttpStatusCode.OK, page!.StatusCode);
        Assert.Contains("<title>Welcome to nginx!</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The tag's version in the Server header (the seed notes' rollouts show it).
        Assert.Equal("nginx/1.25.5", page.Headers.Server.ToString());

        using var missing = await http.GetAsync(new Uri($"http://{ip}/nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("<title>404 Not Found</title>", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // access.log -> /dev/stdout in the "main" format: REMOTE - - [TIME] "REQUEST" STATUS BYTES "REFERER" "AGENT" "XFF".
        var logs = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("logs", "web", "-n", ns),
            l => l.Contains("\"GET /nope HTTP/1.1\" 404", StringComparison.Ordinal), "the 404 in the pod's log", Slow);
        Assert.Matches(@"\d+\.\d+\.\d+\.\d+ - - \[[^\]]+\] ""GET / HTTP/1\.1"" 200 \d+ ""-"" ""[^""]*"" ""-""", logs);
        Assert.Contains("nginx version: nginx/1.22", (await fx.Kubectl.RunAsync("exec", "web", "-n", ns, "--", "nginx", "-v")).Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_initialises_with_the_official_environment_and_accepts_a_password_login_and_a_query()
    {
        var ns = await fx.NewNamespaceAsync("seed-postgres");
        await fx.Kubectl.OkAsync("run", "db", "-n", ns, "--image=postgres:16", "--port=5432",
            "--env=POSTGRES_PASSWORD=s3cret-pw", "--env=POSTGRES_USER=shop", "--env=POSTGRES_DB=orders");
        await fx.Kubectl.OkAsync("wait", "--for=condition=Ready", "pod/db", "-n", ns, "--timeout=120s");

        // To the pod's address, not loopback: the network rule of pg_hba.conf (scram-sha-256) applies, as for another pod
        // (loopback is trusted, as initdb leaves it in the official image).
        var ip = await fx.Kubectl.OkAsync("get", "pod", "db", "-n", ns, "-o", "jsonpath={.status.podIP}");
        string[] query = ["exec", "db", "-n", ns, "--", "env", "PGPASSWORD=s3cret-pw", "psql", "-h", ip, "-p", "5432", "-U", "shop", "-d", "orders",
            "-tAc", "select current_user || ' ' || current_database() || ' ' || current_setting('server_version_num')::int / 10000"];
        var answer = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync(query), r => r.ExitCode == 0, "postgres to accept the login", Slow);
        Assert.Equal("shop orders 15\n", answer.Stdout);

        var wrong = await fx.Kubectl.RunAsync("exec", "db", "-n", ns, "--", "env", "PGPASSWORD=wrong", "psql", "-h", ip, "-U", "shop", "-d", "orders", "-c", "select 1");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("password authentication failed for user \"shop\"", wrong.Stderr, StringComparison.Ordinal);

        Assert.Equal("127.0.0.1:5432 - accepting connections\n", await fx.Kubectl.OkAsync("exec", "db", "-n", ns, "--", "pg_isready", "-h", "127.0.0.1"));
        var logs = await fx.Kubectl.OkAsync("logs", "db", "-n", ns);
        Assert.Contains("PostgreSQL init process complete; ready for start up.", logs, StringComparison.Ordinal);
        Assert.Contains("database system is ready to accept connections", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_password_refuses_to_initialise_as_the_official_image_does()
    {
        var ns = await fx.NewNamespaceAsync("seed-postgres-nopw");
        await fx.Kubectl.OkAsync("run", "db", "-n", ns, "--image=postgres:15", "--restart=Never");
        var phase = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pod", "db", "-n", ns, "-o", "jsonpath={.status.phase}"),
            p => p is "Failed" or "Succeeded", "the database to exit", Slow);
        Assert.Equal("Failed", phase);
        Assert.Contains("You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.", await fx.Kubectl.OkAsync("logs", "db", "-n", ns), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage?> GetAsync(HttpClient http, string url)
    {
        try
        {
            return await http.GetAsync(new Uri(url));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
