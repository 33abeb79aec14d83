using Axolotl.Api.Core;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

/// <summary>Writes through pods/status: the metadata update is checked; the spec, the stored pod's there, is not validated again.</summary>
public sealed class PodStatusUpdateTests
{
    private static Pod PodNamed(string name, string containerName) => Defaulted<Pod>(
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"default","uid":"u1"},"spec":{"containers":[{"name":"{{{containerName}}}","image":"busybox"}]},"status":{"phase":"Running"}}""");

    [Fact]
    public void A_status_update_does_not_validate_the_stored_spec_again()
    {
        // A spec the main resource's update would reject (an invalid container name) is the stored one here.
        var old = PodNamed("p", "Not_A_Name");
        var updated = PodNamed("p", "Not_A_Name");

        Assert.Empty(PodValidation.ValidateStatusUpdate(updated, old));
        Assert.NotEmpty(PodValidation.ValidateUpdate(updated, old));
    }

    [Fact]
    public void A_status_update_still_checks_the_metadata_update()
    {
        var old = PodNamed("p", "app");
        var updated = PodNamed("p", "app");
        updated.Metadata.Labels = new() { ["bad key!"] = "v" };

        var error = Assert.Single(PodValidation.ValidateStatusUpdate(updated, old));
        Assert.StartsWith("metadata.labels", error.ToString(), StringComparison.Ordinal);
    }
}
