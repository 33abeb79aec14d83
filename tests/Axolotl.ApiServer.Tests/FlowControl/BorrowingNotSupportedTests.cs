using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.FlowControl;

namespace Axolotl.ApiServer.Tests.FlowControl;

public sealed class BorrowingNotSupportedTests
{
    private static async Task<List<string>> WarningsAsync(string spec)
    {
        var warnings = new List<string>();
        var attributes = new AdmissionAttributes(AdmissionOperation.Update, KnownResources.PriorityLevelConfigurations, null, null, null)
        {
            Object = JsonNode.Parse($$"""{"metadata":{"name":"mine"},"spec":{{spec}}}""")!.AsObject(),
            Warnings = warnings,
        };
        await new BorrowingNotSupported().ValidateAsync(attributes, CancellationToken.None);
        return warnings;
    }

    [Fact]
    public async Task Borrowing_settings_are_accepted_with_a_warning_that_they_are_not_acted_on()
    {
        Assert.Equal(
            ["spec.limited.lendablePercent: this server does not lend seats between priority levels; the level runs at its nominal limit",
             "spec.limited.borrowingLimitPercent: this server does not borrow seats between priority levels; the level runs at its nominal limit"],
            await WarningsAsync("""{"type":"Limited","limited":{"lendablePercent":50,"borrowingLimitPercent":10,"limitResponse":{"type":"Reject"}}}"""));
    }

    [Fact]
    public async Task A_level_without_borrowing_gets_no_warning()
    {
        Assert.Empty(await WarningsAsync("""{"type":"Limited","limited":{"lendablePercent":0,"limitResponse":{"type":"Reject"}}}"""));
        Assert.Empty(await WarningsAsync("""{"type":"Exempt","exempt":{"nominalConcurrencyShares":0,"lendablePercent":0}}"""));
    }
}
