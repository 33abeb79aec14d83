using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using static Axolotl.Agent.Tests.Images.SampleAppProcess;

namespace Axolotl.Agent.Tests.Images;

/// <summary>The seed scenarios' apps (S1, S2) as real processes on loopback.</summary>
public class SeedAppsProcessTests
{
    private const string GradeJson = """{"name":"Harry","subject":"Potions","score":70}""";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(int Status, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheGradeApiStoresPostedGradesAndListsThem()
    {
        var port = FreePort();
        var (app, http) = await StartHttpAsync(["grade-api", "--port", Text(port), "--reserve-mib", "1", "--persist-delay", "0s", "--log-every", "2"], port);
        using (app)
        using (http)
        {
            using (var created = await http.PostAsync(new Uri("/grade", UriKind.Relative), Json(GradeJson)))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                using var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
                Assert.Equal(1, doc.RootElement.GetProperty("id").GetInt64());
                Assert.Equal("Harry", doc.RootElement.GetProperty("name").GetString());
            }

            using (var second = await http.PostAsync(new Uri("/grade", UriKind.Relative), Json("""{"name":"Ron","subject":"Charms","score":"55"}""")))
            {
                Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            }

            using (var invalid = await http.PostAsync(new Uri("/grade", UriKind.Relative), Json("""{"name":"Ron"}""")))
            {
                Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            }

            var (status, body) = await GetAsync(http, "/grade");
            Assert.Equal(200, status);
            using var list = JsonDocument.Parse(body);
            Assert.Equal(["Harry", "Ron"], list.RootElement.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
            Assert.Equal(55, list.RootElement[1].GetProperty("score").GetDouble());
            Assert.Equal((200, "ok\n"), await GetAsync(http, "/healthz"));
            Assert.Equal(404, (await GetAsync(http, "/nope")).Status);

            // One log line per --log-every grades, with the native memory held.
            Assert.Matches(@"grade-api: 2 grades stored, holding \d+\.\d MiB native", await app.WaitForLineAsync("grades stored"));

            app.Signal(15);
            Assert.Equal(0, (await app.WaitForExitAsync()).ExitCode);
        }
    }

    [Fact]
    public async Task TheGradeApiHoldsItsStartUpReserveAsResidentNativeMemory()
    {
        var port = FreePort();
        var (app, http) = await StartHttpAsync(["grade-api", "--port", Text(port), "--reserve-mib", "64"], port);
        using (app)
        using (http)
        {
            var status = await File.ReadAllTextAsync($"/proc/{app.Id}/status");
            var rssKb = long.Parse(status.Split('\n').Single(l => l.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            Assert.True(rssKb > 64 * 1024, $"RssAnon {rssKb} kB should include the 64 MiB reserve");
        }
    }

    [Fact]
    public async Task TheGradePortalListsTheApisGradesAndStillAnswersWhenTheApiIsDown()
    {
        var apiPort = FreePort();
        var portalPort = FreePort();
        var env = new Dictionary<string, string> { ["GRADE_SERVICE_HOST"] = "127.0.0.1", ["GRADE_SERVICE_PORT"] = Text(apiPort) };
        var (portal, http) = await StartHttpAsync(["grade-portal", "--port", Text(portalPort)], portalPort, env);
        using (portal)
        using (http)
        {
            var (downStatus, downPage) = await GetAsync(http, "/");
            Assert.Equal(200, downStatus);
            Assert.Contains("Error: the grade service at http://127.0.0.1:" + Text(apiPort) + "/grade is unavailable", downPage, StringComparison.Ordinal);

            var (api, apiHttp) = await StartHttpAsync(["grade-api", "--port", Text(apiPort), "--reserve-mib", "1", "--persist-delay", "0s"], apiPort);
            using (api)
            using (apiHttp)
            {
                (await apiHttp.PostAsync(new Uri("/grade", UriKind.Relative), Json(GradeJson))).Dispose();
                var (status, page) = await GetAsync(http, "/");
                Assert.Equal(200, status);
                Assert.Contains("<td>Harry</td><td>Potions</td><td>70</td>", page, StringComparison.Ordinal);
                Assert.DoesNotContain("Error:", page, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task TheNumbersApiBreaksAfterFailAfterCallCountCallsUntilReset()
    {
        var port = FreePort();
        var env = new Dictionary<string, string> { ["FailAfterCallCount"] = "2" };
        var (app, http) = await StartHttpAsync(["numbers-api", "--port", Text(port)], port, env);
        using (app)
        using (http)
        {
            Assert.Equal((200, "Ok"), await GetAsync(http, "/healthz"));
            for (var i = 0; i < 2; i++)
            {
                var (status, body) = await GetAsync(http, "/rng");
                Assert.Equal(200, status);
                Assert.InRange(int.Parse(body, CultureInfo.InvariantCulture), 0, 100);
            }

            Assert.Equal(500, (await GetAsync(http, "/rng")).Status);
            Assert.Equal(500, (await GetAsync(http, "/healthz")).Status);
            Assert.Equal(500, (await GetAsync(http, "/healthz")).Status);
            Assert.Equal(200, (await GetAsync(http, "/reset")).Status);
            Assert.Equal((200, "Ok"), await GetAsync(http, "/healthz"));
            Assert.Equal(200, (await GetAsync(http, "/rng")).Status);
        }
    }

    [Fact]
    public async Task TheNumbersApiNeverFailsWithoutALimitAndTakesTheLimitAsAFlagToo()
    {
        var port = FreePort();
        var (app, http) = await StartHttpAsync(["numbers-api", "--port", Text(port), "--fail-after", "1"], port);
        using (app)
        using (http)
        {
            Assert.Equal(200, (await GetAsync(http, "/rng")).Status);
            Assert.Equal(500, (await GetAsync(http, "/healthz")).Status);
        }

        var unlimitedPort = FreePort();
        var (unlimited, unlimitedHttp) = await StartHttpAsync(["numbers-api", "--port", Text(unlimitedPort)], unlimitedPort);
        using (unlimited)
        using (unlimitedHttp)
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(200, (await GetAsync(unlimitedHttp, "/rng")).Status);
            }

            Assert.Equal(200, (await GetAsync(unlimitedHttp, "/healthz")).Status);
        }
    }

    [Fact]
    public async Task TheTodoWebAppReadsTheDatabaseFromItsConfigFileAndAnswers500WhenItIsUnreachable()
    {
        var dir = Directory.CreateTempSubdirectory("axl-todo-");
        try
        {
            var deadPort = FreePort();
            Directory.CreateDirectory(Path.Combine(dir.FullName, "config"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "config", "config.json"),
                """{"ConnectionStrings":{"ToDoDb":"Host=127.0.0.1;Port=""" + Text(deadPort) + """;Database=todo;Username=postgres"}}""");
            var port = FreePort();
            var (web, http) = await StartHttpAsync(["todo-web", "--port", Text(port), "--config-dir", dir.FullName], port);
            using (web)
            using (http)
            {
                Assert.Contains($"127.0.0.1:{deadPort}", await web.WaitForLineAsync("using the todo database"), StringComparison.Ordinal);
                var (status, page) = await GetAsync(http, "/");
                Assert.Equal(500, status);
                Assert.Contains($"Error: cannot reach the todo database at 127.0.0.1:{deadPort}", page, StringComparison.Ordinal);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task PiPrintsTheDigitsInConsoleMode()
    {
        using var pi = Start(["pi", "Pi.Web.dll", "-m", "console", "-dp", "50"]);
        var (code, stdout, _) = await pi.WaitForExitAsync();
        Assert.Equal(0, code);
        Assert.StartsWith("3.14159265358979323846264338327950288419716939937510\n", stdout, StringComparison.Ordinal);
        Assert.Matches(@"Computed pi to 50 decimal places in \d+ ms", stdout);
    }

    [Fact]
    public async Task PiServesTheDigitsAndTheTimeTakenOverHttp()
    {
        var port = FreePort();
        var (pi, http) = await StartHttpAsync(["pi", "Pi.Web.dll", "-m", "web", "--port", Text(port)], port);
        using (pi)
        using (http)
        {
            var (status, page) = await GetAsync(http, "/?dp=100");
            Assert.Equal(200, status);
            Assert.Contains("3.1415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679<", page, StringComparison.Ordinal);
            Assert.Matches(@"Computed in \d+ ms", page);
            Assert.Equal(400, (await GetAsync(http, "/?dp=abc")).Status);
        }
    }

    [Fact]
    public async Task TheMemoryHogHoldsWhatItLogsAsResidentMemory()
    {
        using var hog = Start(["memory-hog", "--step-mib", "32", "--max-mib", "32", "--interval", "1h"]);
        await hog.WaitForLineAsync("memory-hog: holding 32 MiB");
        var status = await File.ReadAllTextAsync($"/proc/{hog.Id}/status");
        var rssKb = long.Parse(status.Split('\n').Single(l => l.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        Assert.True(rssKb > 32 * 1024, $"RssAnon {rssKb} kB should include the 32 MiB held");
        hog.Signal(15);
        Assert.Equal(143, (await hog.WaitForExitAsync()).ExitCode);
    }

    [Fact]
    public async Task TheLoadClientHammersAUrlWithConcurrentClientsAndReportsTheAnswers()
    {
        var port = FreePort();
        var (target, http) = await StartHttpAsync(["numbers-api", "--port", Text(port)], port);
        using (target)
        using (http)
        {
            using var load = Start(["load", "--url", $"http://127.0.0.1:{port}/rng", "--clients", "4", "--duration", "1s"]);
            var (code, stdout, _) = await load.WaitForExitAsync();
            Assert.Equal(0, code);
            Assert.Matches(@"load: total 200=\d+ failed=0", stdout);
        }
    }
}
