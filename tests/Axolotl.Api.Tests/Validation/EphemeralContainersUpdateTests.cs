using Axolotl.Api.Core;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

/// <summary>Writes through pods/ephemeralcontainers: additions only, each checked as an ephemeral container.</summary>
public sealed class EphemeralContainersUpdateTests
{
    private const string App = """{"name":"app","image":"busybox"}""";

    private static Pod PodWith(params string[] ephemeral) => Defaulted<Pod>(
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},"spec":{"containers":[{{{App}}}],"ephemeralContainers":[{{{string.Join(',', ephemeral)}}}]}}""");

    private static List<string> UpdateErrors(Pod updated, Pod old) =>
        PodValidation.ValidateEphemeralContainersUpdate(updated, old).Select(e => e.ToString()).ToList();

    [Fact]
    public void Adding_an_ephemeral_container_targeting_a_container_is_valid()
    {
        var old = PodWith();
        var updated = PodWith("""{"name":"debugger","image":"busybox","stdin":true,"tty":true,"targetContainerName":"app"}""");

        Assert.Empty(UpdateErrors(updated, old));
    }

    [Fact]
    public void Existing_ephemeral_containers_may_not_be_removed()
    {
        var old = PodWith("""{"name":"debugger","image":"busybox"}""");
        var updated = PodWith();

        Assert.Equal(["spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger\" may not be removed\n"], UpdateErrors(updated, old));
    }

    [Fact]
    public void Existing_ephemeral_containers_may_not_be_changed_and_the_change_is_shown()
    {
        var old = PodWith("""{"name":"debugger","image":"busybox"}""");
        var updated = PodWith("""{"name":"debugger","image":"nginx"}""");

        var error = Assert.Single(UpdateErrors(updated, old));
        Assert.StartsWith("spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger\" may not be changed\n", error, StringComparison.Ordinal);
        Assert.Contains("nginx", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_ephemeral_container_is_checked_as_one()
    {
        var old = PodWith();
        var updated = PodWith("""{"name":"app","image":"busybox","ports":[{"containerPort":80}],"readinessProbe":{"exec":{"command":["true"]}},"targetContainerName":"nope"}""");

        var errors = UpdateErrors(updated, old);

        Assert.Contains("spec.ephemeralContainers[0].name: Duplicate value: \"app\"", errors);
        Assert.Contains("spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\"", errors);
        Assert.Contains("spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container", errors);
        Assert.Contains("spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container", errors);
    }

    [Fact]
    public void Static_pods_take_no_ephemeral_containers()
    {
        var old = PodWith();
        old.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/config.mirror"] = "x" };
        var updated = PodWith("""{"name":"debugger","image":"busybox"}""");
        updated.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/config.mirror"] = "x" };

        Assert.Equal([": Forbidden: static pods do not support ephemeral containers"], UpdateErrors(updated, old));
    }
}
