using System.Text.Json.Nodes;
using Axolotl.ApiServer.Printing;

namespace Axolotl.ApiServer.Tests.Printing;

public sealed class SimpleJsonPathTests
{
    private static readonly JsonNode Gateway = JsonNode.Parse("""
        {"status":{"addresses":[{"value":"10.0.0.5"},{"value":"10.0.0.9"}],"conditions":[{"type":"Accepted","status":"True"},{"type":"Programmed","status":"False"}]}}
        """)!;

    [Theory]
    [InlineData(".status.addresses[*].value", "10.0.0.5")]
    [InlineData(".status.addresses[1].value", "10.0.0.9")]
    [InlineData(".status.conditions[?(@.type==\"Programmed\")].status", "False")]
    [InlineData(".status.missing[*].value", null)]
    public void A_printer_column_path_reads_the_first_value_it_selects(string path, string? printed) =>
        Assert.Equal(printed, SimpleJsonPath.Read(Gateway, path)?.ToString());
}
