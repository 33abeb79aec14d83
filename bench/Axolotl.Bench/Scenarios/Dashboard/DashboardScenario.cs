using System.Diagnostics;
using System.Globalization;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using OpenQA.Selenium;

namespace Axolotl.Bench.Scenarios.Dashboard;

/// <summary>
/// The dashboard (/ui) in Debian's headless chromium. First paint: a fresh browser (cold cache, new
/// TLS connection) opens /ui/, and the page's own Paint Timing entries give first paint and first
/// contentful paint; then sign-in click → the timeline rendered with data. Timeline delay: pods whose
/// first instance (bash, image debian, restartPolicy Always) stamps $EPOCHREALTIME into the host's
/// /dev/shm just before `exit 1` and whose second instance stays up; a MutationObserver in the page
/// stamps (performance.timeOrigin + now, same wall clock) when the crash's row appears and when it
/// turns healed. One crash at a time.
/// </summary>
internal sealed class DashboardScenario : IScenario
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    // Records, per pod, when its incident row first appeared and when it showed "healed".
    private const string Observer = """
        window.__marks = {};
        const mark = () => {
          const now = performance.timeOrigin + performance.now();
          for (const li of document.querySelectorAll('li.incident')) {
            const m = window.__marks[li.dataset.subject] ??= {};
            m.shown ??= now;
            if (li.dataset.state === 'healed') { m.healed ??= now; m.healingMs = li.dataset.healingMs; m.precision = li.dataset.precision; }
          }
        };
        new MutationObserver(mark).observe(document.body, { subtree: true, childList: true, attributes: true });
        """;

    public string Name => "dashboard";

    public string Description => "dashboard in headless chromium: first paint of /ui (fresh browser), sign-in → timeline; crash ($EPOCHREALTIME before exit) → its mark on the timeline and → marked healed";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 150 : 300);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var loads = context.Quick ? 5 : 10;
        var crashes = context.Quick ? 10 : 30;
        var markers = Directory.CreateDirectory(Path.Combine(HostShm.Path, $"axolotl-bench-ui-{Environment.ProcessId}")).FullName;
        try
        {
            await using var node = await NodeServer.StartAsync(context, ct);
            using var api = context.Connect(node.Server);
            await node.WaitNodeReadyAsync(api, ct);
            var url = $"https://127.0.0.1:{node.Server.Port}/ui/";
            var token = node.Server.Kubeconfig.Token;

            var firstPaint = new LatencySamples("navigation → first paint");
            var contentful = new LatencySamples("navigation → first contentful paint (login form)");
            var loaded = new LatencySamples("navigation → load event");
            var signIn = new LatencySamples("sign-in click → timeline rendered from the API");
            for (var i = 0; i < loads + 1; i++)
            {
                using var browser = new HeadlessChromium();
                browser.Driver.Navigate().GoToUrl(url);
                await browser.WaitForAsync("#token", StepTimeout, ct);
                var paints = await browser.WaitForScriptAsync<IReadOnlyCollection<object>>(
                    "const p = performance.getEntriesByType('paint'); const n = performance.getEntriesByType('navigation')[0];" +
                    "return p.length >= 2 && n.loadEventEnd > 0 ? [p[0].startTime, p[1].startTime, n.loadEventEnd] : null;", StepTimeout, "paint timing", ct);
                var values = paints.Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray();
                browser.Script("window.__signIn = {}; new MutationObserver(() => { if (document.querySelector('[data-timeline]')) window.__signIn.done ??= performance.now(); })" +
                    ".observe(document.body, { subtree: true, childList: true }); document.querySelector('form button[type=submit]')" +
                    ".addEventListener('click', () => window.__signIn.click = performance.now(), { capture: true });");
                browser.Driver.FindElement(By.Id("token")).SendKeys(token);
                browser.Driver.FindElement(By.CssSelector("form button[type=submit]")).Click();
                var signedIn = await browser.WaitForScriptAsync<double>("return window.__signIn.done ? window.__signIn.done - window.__signIn.click : null;", StepTimeout, "the timeline after sign-in", ct);
                if (i == 0)
                {
                    continue; // warm-up: the server's first requests pay for JIT
                }
                firstPaint.AddMilliseconds(values[0]);
                contentful.AddMilliseconds(values[1]);
                loaded.AddMilliseconds(values[2]);
                signIn.AddMilliseconds(signedIn);
            }
            report.Add(firstPaint, $"{loads} fresh browsers (cold cache, new TLS connection), one warm-up before; the page's Paint Timing entries");
            report.Add(contentful);
            report.Add(loaded);
            report.Add(signIn, "SelfSubjectReview, then list + watch of pods, events and nodes");

            using var watcher = new HeadlessChromium();
            watcher.Driver.Navigate().GoToUrl(url);
            (await watcher.WaitForAsync("#token", StepTimeout, ct)).SendKeys(token);
            watcher.Driver.FindElement(By.CssSelector("form button[type=submit]")).Click();
            var ns = await watcher.WaitForAsync(".ns input", StepTimeout, ct);
            ns.SendKeys(AgentPods.Namespace + Keys.Tab);
            await watcher.WaitForAsync("[data-timeline=empty]", StepTimeout, ct);
            watcher.Script(Observer);

            var shown = new LatencySamples("container exit → crash marked on the timeline");
            var healedMark = new LatencySamples("container exit → marked healed on the timeline");
            var restart = new LatencySamples("container exit → replacement started (in the container)");
            var pageHealing = new LatencySamples("healing time the page shows (detected → serving, its own clock)");
            var secondPrecision = 0;
            for (var i = 0; i < crashes; i++)
            {
                var name = $"ui-crash-{i:D3}";
                var marker = Path.Combine(markers, name);
                var script = $"""
                    if [ -e {marker}.exit ]; then echo $EPOCHREALTIME >{marker}.start; exec sleep 3600; fi
                    sleep 0.5; echo $EPOCHREALTIME >{marker}.exit; exit 1
                    """;
                await api.CreateAsync(AgentPods.PodsPath, AgentPods.Pod(name, "debian", ["bash", "-c", script], "Always"), ct);
                var marks = await watcher.WaitForScriptAsync<IReadOnlyDictionary<string, object>>(
                    $"const m = window.__marks['{name}']; return m && m.healed ? m : null;", StepTimeout, $"{name} healed on the timeline", ct);
                var exit = ReadStampMs(marker + ".exit");
                shown.AddMilliseconds(Number(marks["shown"]) - exit);
                healedMark.AddMilliseconds(Number(marks["healed"]) - exit);
                restart.AddMilliseconds(ReadStampMs(marker + ".start") - exit);
                if (marks.TryGetValue("precision", out var precision) && precision as string == "ms")
                {
                    pageHealing.AddMilliseconds(double.Parse((string)marks["healingMs"], CultureInfo.InvariantCulture));
                }
                else
                {
                    secondPrecision++;
                }
                try
                {
                    await api.SendAsync(HttpMethod.Delete, $"{AgentPods.PodsPath}/{name}?gracePeriodSeconds=1", null, null, System.Net.HttpStatusCode.OK, ct);
                }
                catch (HttpRequestException e) when (e.Message.Contains("got 202", StringComparison.Ordinal))
                {
                    // Accepted: deleted once the agent has stopped it.
                }
            }
            report.Add(shown, $"{crashes} crashes one after another; browser clock and bash's $EPOCHREALTIME are the same wall clock");
            report.Add(healedMark, "replacement running and Ready, seen through the pod watch");
            report.Add(restart);
            if (pageHealing.Count > 0)
            {
                report.Add(pageHealing, "when the page saw the crash and the return in separate watch events");
            }
            report.Add("crashes timed from status seconds (crash and return in one status update)", secondPrecision, "count");
        }
        finally
        {
            Directory.Delete(markers, recursive: true);
        }
    }

    private static double Number(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);

    /// <summary>$EPOCHREALTIME ("seconds.micros") as milliseconds since the epoch.</summary>
    private static double ReadStampMs(string path)
    {
        var text = File.ReadAllText(path).Trim().Replace(',', '.');
        return double.Parse(text, CultureInfo.InvariantCulture) * 1000;
    }
}
