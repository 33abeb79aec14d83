using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Axolotl.Bench.Scenarios.Dashboard;

/// <summary>
/// Debian's headless chromium through Debian's chromedriver, both named explicitly so that Selenium
/// never looks for or downloads a browser; a fresh profile (cold cache) per instance.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    private readonly ChromeDriver _driver;

    public HeadlessChromium()
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        // The server's certificate is signed by the cluster's own CA, which this throwaway profile does not trust.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--ignore-certificate-errors", "--window-size=1440,960", "--no-first-run", "--disable-extensions");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
    }

    public IWebDriver Driver => _driver;

    public object? Script(string script, params object[] args) => _driver.ExecuteScript(script, args);

    public async Task<IWebElement> WaitForAsync(string css, TimeSpan timeout, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var found = _driver.FindElements(By.CssSelector(css)).FirstOrDefault();
            if (found is not null)
            {
                return found;
            }
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"{css} not on the page after {timeout.TotalSeconds:F0} s");
            }
            await Task.Delay(20, ct);
        }
    }

    public async Task<T> WaitForScriptAsync<T>(string script, TimeSpan timeout, string what, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_driver.ExecuteScript(script) is T value)
            {
                return value;
            }
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} not seen after {timeout.TotalSeconds:F0} s");
            }
            await Task.Delay(20, ct);
        }
    }

    public void Dispose() => _driver.Quit();
}
