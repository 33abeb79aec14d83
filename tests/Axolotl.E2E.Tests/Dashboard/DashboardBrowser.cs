using System.Diagnostics;
using Axolotl.E2E.Tests.Harness;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Axolotl.E2E.Tests.Dashboard;

/// <summary>
/// Debian's headless chromium, driven through Debian's chromedriver (both named explicitly, so
/// Selenium never looks for or downloads a browser), pointed at one server's /ui.
/// </summary>
public sealed class DashboardBrowser : IDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";

    private readonly ChromeDriver _driver;
    private readonly int _port;

    public DashboardBrowser(int port)
    {
        _port = port;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        // The server's certificate is signed by the cluster's own CA, which this throwaway profile does not trust.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--ignore-certificate-errors", "--window-size=1440,960", "--no-first-run", "--disable-extensions");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(60);
    }

    public IWebDriver Driver => _driver;

    public string Url(string path = "/ui/") => $"https://127.0.0.1:{_port}{path}";

    /// <summary>Opens the dashboard and returns how long until the login form was on screen.</summary>
    public TimeSpan Open(string hash = "")
    {
        var started = Stopwatch.StartNew();
        _driver.Navigate().GoToUrl(Url() + hash);
        return started.Elapsed;
    }

    /// <summary>
    /// Waits for the login form, reloading a first load that stayed blank (CI runs saw one for 90 s, right after
    /// the server's start, with the page's script never run): a user would reload the page.
    /// </summary>
    public async Task<IWebElement> WaitForLoginFormAsync()
    {
        for (var load = 1; ; load++)
        {
            try
            {
                return await WaitForAsync("#token", "the login form", timeout: TimeSpan.FromSeconds(30));
            }
            catch (Xunit.Sdk.FailException) when (load < 3)
            {
                _driver.Navigate().Refresh();
            }
        }
    }

    public async Task SignInAsync(string token)
    {
        var input = await WaitForLoginFormAsync();
        input.SendKeys(token);
        // The page retries by itself when no answer came back; if a burst of interface changes (the other
        // tests' bridges and veths) outlasts its retries, it says so and a user would press Sign in again.
        for (var attempt = 1; ; attempt++)
        {
            _driver.FindElement(By.CssSelector("form button[type=submit]")).Click();
            var outcome = await WaitForAsync(".who, #login-error.notice-error", "signed in");
            if (outcome.GetAttribute("class")?.Contains("who", StringComparison.Ordinal) == true)
            {
                return;
            }
            if (attempt == 3 || !outcome.Text.Contains("cannot be reached", StringComparison.Ordinal))
            {
                Assert.Fail($"sign-in failed: {outcome.Text}");
            }
        }
    }

    public async Task ShowNamespaceAsync(string ns)
    {
        // The page may render the field anew while the keys are typed (CI, under load: "ui-kinds-1" arrived as
        // "ds-1" and the page watched a namespace that does not exist), or after them, before the Tab that applies
        // them (a clean-clone check: the Tab reached a fresh, empty field and the page showed every namespace).
        // So type and apply until the field, looked up again, still holds the name.
        await Eventually.UntilAsync(async () =>
        {
            var input = await WaitForAsync(".ns input", "the namespace field");
            try
            {
                if (input.GetAttribute("value") != ns)
                {
                    input.Clear();
                    input.SendKeys(ns + Keys.Tab);
                }
                return (await WaitForAsync(".ns input", "the namespace field")).GetAttribute("value") == ns;
            }
            catch (StaleElementReferenceException)
            {
                return false;
            }
        }, held => held, $"the namespace field to hold {ns}", timeout: TimeSpan.FromSeconds(30));
    }

    public void Go(string hash) => _driver.Navigate().GoToUrl(Url() + hash);

    /// <summary>The first element matching <paramref name="css"/> (and <paramref name="accept"/>), waited for.</summary>
    public async Task<IWebElement> WaitForAsync(string css, string what, Func<IWebElement, bool>? accept = null, TimeSpan? timeout = null)
    {
        IWebElement? found = null;
        try
        {
            await WaitCoreAsync();
        }
        catch (Xunit.Sdk.FailException e)
        {
            // What the page showed instead, so a failure says why.
            var shot = Save("timeout-" + string.Concat(css.Where(char.IsLetterOrDigit)));
            Assert.Fail($"{e.Message}\nURL {_driver.Url}; screenshot {shot}; page text:\n{Text}");
        }
        return found!;

        async Task WaitCoreAsync() => await Eventually.UntilAsync(() =>
        {
            try
            {
                found = _driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => accept?.Invoke(e) ?? true);
                if (found is null && Text.Contains("ERR_NETWORK_CHANGED", StringComparison.Ordinal))
                {
                    // Chromium aborts a navigation when the host's interfaces change, and the other tests add and
                    // remove bridges and veths all the time; a user would press Reload, and so does the test.
                    _driver.Navigate().Refresh();
                    Reloads++;
                }
            }
            catch (StaleElementReferenceException)
            {
                found = null; // re-rendered between find and check: look again
            }
            return Task.FromResult(found is not null);
        }, ok => ok, $"{what} ({css}) on the page", timeout ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>How often a wait reloaded a page Chromium had aborted: a reloaded page starts watching afresh.</summary>
    public int Reloads { get; private set; }

    public object? Script(string script) => _driver.ExecuteScript(script);

    public string Text => _driver.FindElement(By.TagName("body")).Text;

    public string Save(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "dashboard-screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose() => _driver.Quit();
}
