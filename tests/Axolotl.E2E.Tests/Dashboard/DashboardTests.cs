using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;
using OpenQA.Selenium;

namespace Axolotl.E2E.Tests.Dashboard;

/// <summary>
/// The dashboard at /ui in Debian's headless chromium: sign in with a token, watch a pod crash and come
/// back on the healing timeline, hostile strings shown as text only, a clear message when RBAC says no,
/// and the page's security headers. Screenshots go to the test output dir (dashboard-screenshots/);
/// with AXOLOTL_UPDATE_SCREENSHOT=1 the timeline's also replaces docs/images/dashboard.png.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class DashboardTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Payload = "<img src=x onerror=\"window.__xss=1\">";

    private string AdminToken => KubeconfigFile.Token(fx.Server.Kubeconfig);

    [Fact]
    public async Task A_crashing_pod_crashes_and_comes_back_on_the_live_healing_timeline()
    {
        var ns = await fx.NewNamespaceAsync("ui-heal");
        using var browser = new DashboardBrowser(fx.Server.Port);
        browser.Open();
        await browser.SignInAsync(AdminToken);
        Assert.Contains("Signed in as", browser.Text);
        await browser.ShowNamespaceAsync(ns);
        await browser.WaitForAsync("[data-timeline=empty]", "an empty timeline");

        // Crashes once the page is watching; the first restart is immediate.
        await fx.Kubectl.OkWithInputAsync(
            $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: crasher\n  namespace: {ns}\nspec:\n  containers:\n  - name: app\n" +
            "    image: busybox\n    command: [sh, -c, 'echo up; sleep 4; echo going down; exit 3']\n", "apply", "-f", "-");

        var reloadsBeforeCrash = browser.Reloads;
        var healed = await browser.WaitForAsync("li.incident[data-subject=crasher][data-state=healed]", "the crash, healed",
            timeout: TimeSpan.FromSeconds(120));
        Assert.Equal("Crash", healed.GetAttribute("data-kind"));
        Assert.Contains("container app", healed.Text);
        Assert.Contains("exit code 3 (Error)", healed.Text);
        // A page Chromium aborted and the test reloaded started watching after the crash, and says so.
        Assert.Matches(browser.Reloads == reloadsBeforeCrash ? @"Detected\s*\d\d:\d\d:\d\d\.\d{3}" : @"Detected\s*(\d\d:\d\d:\d\d\.\d{3}|before this page started watching)", healed.Text);
        // Timed live by the page's watches, or from status seconds when one status update showed crash and return together.
        Assert.Contains(healed.GetAttribute("data-precision"), new[] { "ms", "s" });
        Assert.True(double.Parse(healed.GetAttribute("data-healing-ms") ?? "-1", System.Globalization.CultureInfo.InvariantCulture) >= 0);
        var announcer = browser.Driver.FindElement(By.Id("timeline-announcer"));
        Assert.Equal("polite", announcer.GetAttribute("aria-live"));
        browser.Save("timeline");
        if (Environment.GetEnvironmentVariable("AXOLOTL_UPDATE_SCREENSHOT") == "1")
        {
            File.Copy(browser.Save("timeline"), Path.Combine(RepoPaths.Root, "docs", "images", "dashboard.png"), overwrite: true);
        }

        browser.Go("#/pods");
        var row = await browser.WaitForAsync("tr[data-pod=crasher]", "the pod's row", r => r.Text.Contains("exit code 3", StringComparison.Ordinal));
        Assert.Contains("Error, exit code 3", row.Text);
        Assert.Matches(@"\s[1-9]\d*\s", row.Text); // restarts
        browser.Save("pods");

        browser.Go($"#/logs/{ns}/crasher");
        await browser.WaitForAsync("pre.logs", "the log lines", p => p.Text.Contains("up", StringComparison.Ordinal));
        browser.Save("logs");
    }

    [Fact]
    public async Task An_OOM_kill_and_a_liveness_probe_kill_show_as_such_on_the_timeline_and_heal()
    {
        var ns = await fx.NewNamespaceAsync("ui-kinds");
        using var browser = new DashboardBrowser(fx.Server.Port);
        browser.Open();
        await browser.SignInAsync(AdminToken);
        await browser.ShowNamespaceAsync(ns);
        await browser.WaitForAsync("[data-timeline=empty]", "an empty timeline");

        // Each fails once (a marker on an emptyDir survives the restart) and then runs on.
        const string Marker = "    volumeMounts: [{name: m, mountPath: /m}]\n  volumes: [{name: m, emptyDir: {}}]\n";
        await fx.Kubectl.OkWithInputAsync(
            $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: oomer\n  namespace: {ns}\nspec:\n  containers:\n  - name: app\n    image: busybox\n" +
            "    command: [sh, -c, 'if [ -f /m/done ]; then exec sleep 3600; fi; touch /m/done; sleep 2; tail /dev/zero']\n" +
            "    resources:\n      limits: {memory: 32Mi}\n" + Marker +
            $"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: prober\n  namespace: {ns}\nspec:\n  containers:\n  - name: app\n    image: busybox\n" +
            "    command: [sh, -c, 'touch /tmp/healthy; if [ -f /m/done ]; then exec sleep 3600; fi; touch /m/done; sleep 3; rm /tmp/healthy; sleep 3600']\n" +
            "    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 1, failureThreshold: 1}\n" + Marker,
            "apply", "-f", "-");

        var oom = await browser.WaitForAsync("li.incident[data-subject=oomer][data-state=healed]", "the OOM kill, healed", timeout: TimeSpan.FromSeconds(120));
        Assert.Equal("OOMKilled", oom.GetAttribute("data-kind"));
        Assert.Contains("container app", oom.Text);
        var probe = await browser.WaitForAsync("li.incident[data-subject=prober][data-state=healed]", "the liveness kill, healed", timeout: TimeSpan.FromSeconds(120));
        Assert.Equal("Liveness probe failure", probe.GetAttribute("data-kind"));
        Assert.Contains("container app", probe.Text);
        Assert.Equal(2, browser.Driver.FindElements(By.CssSelector("li.incident")).Count); // one each, nothing counted twice
        browser.Save("timeline-kinds");
    }

    [Fact]
    public async Task Hostile_annotations_log_lines_and_event_messages_are_shown_as_text_and_never_run()
    {
        var ns = await fx.NewNamespaceAsync("ui-xss");
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = "hostile",
                ["namespace"] = ns,
                ["annotations"] = new JsonObject { ["evil"] = Payload, ["evil2"] = "<script>window.__xss=2</script>" },
            },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "c",
                    ["image"] = "busybox",
                    ["command"] = new JsonArray("sh", "-c", "echo '<img src=x onerror=window.__xss=3>'; echo '<svg onload=window.__xss=4>'; sleep 3600"),
                }),
            },
        };
        await fx.Kubectl.OkWithInputAsync(pod.ToJsonString(), "apply", "-f", "-");
        var uid = await fx.Kubectl.OkAsync("get", "pod", "hostile", "-n", ns, "-o", "jsonpath={.metadata.uid}");
        var hostileEvent = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = "hostile.1", ["namespace"] = ns },
            ["involvedObject"] = new JsonObject { ["kind"] = "Pod", ["name"] = "hostile", ["namespace"] = ns, ["uid"] = uid },
            ["reason"] = "Hostile",
            ["type"] = "Warning",
            ["message"] = $"{Payload} and <b>bold</b>",
            ["source"] = new JsonObject { ["component"] = "e2e" },
            ["firstTimestamp"] = "2026-01-01T00:00:00Z",
            ["lastTimestamp"] = "2026-01-01T00:00:00Z",
            ["count"] = 1,
        };
        var eventJson = hostileEvent.ToJsonString();
        await fx.Kubectl.OkWithInputAsync(eventJson, "create", "-f", "-");

        // Its log can be read once it runs (before, the log endpoint answers "waiting to start", as upstream's).
        await fx.Kubectl.OkAsync("wait", "pod/hostile", "-n", ns, "--for=condition=Ready", "--timeout=120s");
        using var browser = new DashboardBrowser(fx.Server.Port);
        browser.Open();
        await browser.SignInAsync(AdminToken);
        await browser.ShowNamespaceAsync(ns);

        browser.Go($"#/logs/{ns}/hostile");
        await browser.WaitForAsync("pre.logs", "the hostile log lines", p => p.Text.Contains("<svg onload=", StringComparison.Ordinal));
        var details = await browser.WaitForAsync("[data-view=pod-details]", "the pod's annotations");
        Assert.Contains(Payload, details.Text);
        Assert.Contains("<script>window.__xss=2</script>", details.Text);
        Assert.Contains("<img src=x onerror=window.__xss=3>", browser.Driver.FindElement(By.CssSelector("pre.logs")).Text);
        AssertNothingRan(browser);
        browser.Save("xss-logs");

        browser.Go("#/events");
        var message = await browser.WaitForAsync("tr[data-reason=Hostile] td.message", "the hostile event");
        Assert.Equal($"{Payload} and <b>bold</b>", message.Text);
        AssertNothingRan(browser);
        browser.Save("xss-events");
    }

    private static void AssertNothingRan(DashboardBrowser browser)
    {
        Assert.Null(browser.Script("return window.__xss === undefined ? null : window.__xss;"));
        Assert.Equal(0L, browser.Script("return document.querySelectorAll('main img, main script, main svg, main b').length;"));
    }

    [Fact]
    public async Task A_token_without_rights_signs_in_and_sees_a_clear_forbidden_message()
    {
        var ns = await fx.NewNamespaceAsync("ui-rbac");
        await fx.Kubectl.OkAsync("create", "serviceaccount", "nobody", "-n", ns);
        var token = (await fx.Kubectl.OkAsync("create", "token", "nobody", "-n", ns)).Trim();

        using var browser = new DashboardBrowser(fx.Server.Port);
        browser.Open();
        await browser.SignInAsync(token);
        Assert.Contains($"system:serviceaccount:{ns}:nobody", browser.Text);
        await browser.ShowNamespaceAsync(ns);
        browser.Go("#/pods");
        var alert = await browser.WaitForAsync("[data-error=forbidden]", "the forbidden message");
        Assert.Equal("alert", alert.GetAttribute("role"));
        Assert.Contains($"you may not list pods in namespace {ns}", alert.Text);
        Assert.Contains($"pods is forbidden: User \"system:serviceaccount:{ns}:nobody\" cannot list resource \"pods\"", alert.Text);
        Assert.DoesNotContain("No pods.", browser.Text); // an empty list would be a lie here
        browser.Save("forbidden");
    }

    [Fact]
    public async Task The_login_page_names_the_commands_that_print_a_token_and_the_admin_one_signs_in()
    {
        using var browser = new DashboardBrowser(fx.Server.Port);
        browser.Open();
        await browser.WaitForLoginFormAsync();
        var help = browser.Driver.FindElement(By.CssSelector(".token-help")).Text;
        const string adminCommand = "kubectl config view --raw --minify -o jsonpath='{.users[0].user.token}'";
        Assert.Contains(adminCommand, help);
        Assert.Contains("kubectl create token viewer", help);

        // The command exactly as the page prints it, in a shell pointed at the server's kubeconfig.
        var printed = await ProcessRunner.RunAsync("/bin/sh", ["-c", adminCommand],
            env: new Dictionary<string, string> { ["KUBECONFIG"] = fx.Server.Kubeconfig });
        Assert.True(printed.ExitCode == 0, printed.ToString());
        Assert.Equal(AdminToken, printed.Stdout.Trim());
        await browser.SignInAsync(printed.Stdout.Trim());
        Assert.Contains("Signed in as", browser.Text);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_at_the_login_form()
    {
        using var browser = new DashboardBrowser(fx.Server.Port);
        browser.Open();
        var input = await browser.WaitForLoginFormAsync();
        input.SendKeys("not-a-token");
        browser.Driver.FindElement(By.CssSelector("form button[type=submit]")).Click();
        var error = await browser.WaitForAsync("#login-error", "the login error", e => e.Text.Length > 0);
        Assert.Contains("The token was not accepted (401 Unauthorized).", error.Text);
        Assert.Equal("alert", error.GetAttribute("role"));
    }

    [Fact]
    public async Task The_page_is_served_without_credentials_but_locked_down_and_no_data_is_anonymous()
    {
        using var http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            AllowAutoRedirect = false,
        });
        var root = $"https://127.0.0.1:{fx.Server.Port}";

        var page = await http.GetAsync($"{root}/ui/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        var csp = string.Join(",", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("DENY", string.Join(",", page.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", string.Join(",", page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join(",", page.Headers.GetValues("Referrer-Policy")));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Empty(InlineScript().Matches(html));
        var script = ScriptSource().Match(html);
        Assert.True(script.Success, html);

        var asset = await http.GetAsync(root + script.Groups["src"].Value);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", asset.Content.Headers.ContentType?.ToString());
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString());
        using var conditional = new HttpRequestMessage(HttpMethod.Get, root + script.Groups["src"].Value);
        conditional.Headers.TryAddWithoutValidation("If-None-Match", asset.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(conditional)).StatusCode);

        var bare = await http.GetAsync($"{root}/ui");
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.Equal("/ui/", bare.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{root}/ui/assets/missing.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{root}/ui/assets/..%2F..%2Fapi%2Fv1%2Fpods")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync($"{root}/ui/", new StringContent("x"))).StatusCode);
        // The data is not: without credentials the API still answers 401.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"{root}/api/v1/pods")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"{root}/uix")).StatusCode);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<script[^>]*\\bsrc=\"(?<src>/ui/assets/[^\"]+\\.js)\"")]
    private static partial Regex ScriptSource();
}
