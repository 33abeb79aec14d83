using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Dashboard;

/// <summary>The page says so when the API server goes away, and carries on by itself when it is back.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ServerGoneTests
{
    [Fact]
    public async Task A_server_that_is_gone_shows_a_clear_message_and_the_page_reconnects_when_it_is_back()
    {
        await using var server = await AxolotlServer.StartAsync();
        try
        {
            using var browser = new DashboardBrowser(server.Port);
            browser.Open();
            await browser.SignInAsync(KubeconfigFile.Token(server.Kubeconfig));
            await browser.WaitForAsync("[data-connection=live]", "the live marker");

            await server.StopAsync();
            var offline = await browser.WaitForAsync("[data-connection=offline]", "the unreachable marker");
            Assert.Contains("Server unreachable, reconnecting", offline.Text);
            await browser.WaitForAsync("[data-error=unreachable]", "the unreachable alert");
            browser.Save("server-gone");

            await server.RestartAsync();
            // Live again with the alert gone, in one look: other tests' bridges and veths come and go, and a
            // connection Chromium drops for it may flip the page for the moment its watches take to come back.
            await browser.WaitForAsync("body:not(:has([data-error=unreachable])) [data-connection=live]", "live again with no unreachable alert",
                timeout: TimeSpan.FromSeconds(120));
        }
        finally
        {
            ServerFixture.SaveLog(nameof(ServerGoneTests), server);
        }
    }
}
