using System.Diagnostics;
using System.Net;
using static Axolotl.Agent.Tests.Images.SampleAppProcess;

namespace Axolotl.Agent.Tests.Images;

/// <summary>
/// todo-web (the kiamol/ch04-todo-list stand-in) against a real PostgreSQL 15 (Debian's, as in the
/// postgres seed image) on a loopback port: it creates its database and table on first use, stores
/// items, and a second instance reads them back from the server.
/// </summary>
public sealed class TodoWebPostgresTests : IAsyncLifetime
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private const string Password = "kiamol-2*2*";
    private readonly string _dir = Directory.CreateTempSubdirectory("axl-todo-pg-").FullName;
    private readonly int _port = FreePort();

    private string Data => Path.Combine(_dir, "data");

    public async Task InitializeAsync()
    {
        // initdb and the server refuse root: they run as Debian's postgres account.
        File.WriteAllText(Path.Combine(_dir, "pw"), Password + "\n");
        await RunAsync("chown", "-R", "postgres", _dir);
        await RunAsPostgresAsync(Path.Combine(Bin, "initdb"), "-D", Data, "--username=postgres", "--pwfile=" + Path.Combine(_dir, "pw"), "--auth=scram-sha-256");
        await RunAsPostgresAsync(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(_dir, "log"), "-w", "-o",
            $"-c listen_addresses=127.0.0.1 -p {Text(_port)} -c unix_socket_directories={_dir}", "start");
    }

    public async Task DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await RunAsPostgresAsync(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task TheTodoWebAppCreatesItsDatabaseStoresItemsInPostgresAndAnotherInstanceReadsThem()
    {
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__ToDoDb"] = $"Server=127.0.0.1;Port={Text(_port)};Database=todo;User Id=postgres;Password={Password};",
        };
        var port = FreePort();
        var (web, http) = await StartHttpAsync(["todo-web", "--port", Text(port), "--config-dir", "/nonexistent"], port, env);
        using (web)
        using (http)
        {
            var (status, empty) = await GetAsync(http, "/");
            Assert.Equal(200, status);
            Assert.DoesNotContain("<li>", empty, StringComparison.Ordinal);
            using var added = await http.PostAsync(new Uri("/new", UriKind.Relative), new FormUrlEncodedContent([new("item", "Learn probes & limits")]));
            Assert.Equal(HttpStatusCode.Found, added.StatusCode);
        }

        var otherPort = FreePort();
        var (other, otherHttp) = await StartHttpAsync(["todo-web", "--port", Text(otherPort), "--config-dir", "/nonexistent"], otherPort, env);
        using (other)
        using (otherHttp)
        {
            var (status, page) = await GetAsync(otherHttp, "/");
            Assert.Equal(200, status);
            Assert.Contains("<li>Learn probes &amp; limits</li>", page, StringComparison.Ordinal);
        }

        // In the server's own table, as psql sees it.
        var rows = await RunAsPostgresAsync("env", "PGPASSWORD=" + Password, Path.Combine(Bin, "psql"), "-h", _dir, "-p", Text(_port), "-d", "todo", "-tAc", "select \"Item\" from \"ToDos\"");
        Assert.Equal("Learn probes & limits\n", rows);
    }

    [Fact]
    public async Task TheTodoWebAppAnswers500NamingTheServersWordsForAWrongPassword()
    {
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__ToDoDb"] = $"Host=127.0.0.1;Port={Text(_port)};Database=todo;Username=postgres;Password=wrong",
        };
        var port = FreePort();
        var (web, http) = await StartHttpAsync(["todo-web", "--port", Text(port), "--config-dir", "/nonexistent"], port, env);
        using (web)
        using (http)
        {
            var (status, page) = await GetAsync(http, "/");
            Assert.Equal(500, status);
            Assert.Contains("password authentication failed for user &quot;postgres&quot;", page, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Status, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<string> RunAsPostgresAsync(params string[] command) => RunAsync(["runuser", "-u", "postgres", "--", .. command]);

    private static async Task<string> RunAsync(params string[] command)
    {
        // From /, which the postgres account may read (the test's own folder may not be).
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var arg in command.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot run {command[0]}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', command)} exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
