using Axolotl.Api.Networking;
using Axolotl.Proxy.Ingress;
using static Axolotl.Proxy.Tests.Ingress.IngressObjects;

namespace Axolotl.Proxy.Tests.Ingress;

public sealed class IngressClassSelectionTests
{
    private const string Ours = IngressClassSelection.ControllerName;
    private const string Nginx = "k8s.io/ingress-nginx";

    [Fact]
    public void An_ingress_naming_a_class_is_ours_only_when_that_class_names_our_controller()
    {
        var classes = new[] { Class("axolotl", Ours), Class("nginx", Nginx, isDefault: true) };

        Assert.True(IngressClassSelection.IsOurs(NewIngress("a", 0, className: "axolotl"), classes));
        Assert.False(IngressClassSelection.IsOurs(NewIngress("b", 0, className: "nginx"), classes));
        Assert.False(IngressClassSelection.IsOurs(NewIngress("c", 0, className: "missing"), classes));
    }

    [Fact]
    public void An_ingress_without_a_class_is_ours_when_our_class_is_the_default()
    {
        Assert.True(IngressClassSelection.IsOurs(NewIngress("a", 0), [Class("axolotl", Ours, isDefault: true)]));
        Assert.False(IngressClassSelection.IsOurs(NewIngress("a", 0), [Class("axolotl", Ours)]));
        Assert.False(IngressClassSelection.IsOurs(NewIngress("a", 0), [Class("axolotl", Ours), Class("nginx", Nginx, isDefault: true)]));
    }

    [Fact]
    public void The_deprecated_class_annotation_is_honoured()
    {
        var annotated = NewIngress("a", 0);
        annotated.Metadata.Annotations = new() { [IngressClassSelection.LegacyClassAnnotation] = "axolotl" };
        var other = NewIngress("b", 0);
        other.Metadata.Annotations = new() { [IngressClassSelection.LegacyClassAnnotation] = "nginx" };

        Assert.True(IngressClassSelection.IsOurs(annotated, [Class("axolotl", Ours)]));
        // Before the class object exists, our class's name still means us.
        Assert.True(IngressClassSelection.IsOurs(annotated, []));
        // An annotation naming another class wins over our default class.
        Assert.False(IngressClassSelection.IsOurs(other, [Class("axolotl", Ours, isDefault: true), Class("nginx", Nginx)]));
    }

    [Fact]
    public void Our_class_is_created_default_unless_another_class_is_the_default()
    {
        var alone = IngressClassSelection.ClassToCreate([]);
        var beside = IngressClassSelection.ClassToCreate([Class("nginx", Nginx, isDefault: true)]);
        var exists = IngressClassSelection.ClassToCreate([Class("axolotl", Ours)]);

        Assert.NotNull(alone);
        Assert.Equal(("axolotl", Ours, true), (alone.Metadata.Name, alone.Spec!.Controller, IngressClassSelection.IsDefault(alone)));
        Assert.NotNull(beside);
        Assert.False(IngressClassSelection.IsDefault(beside));
        Assert.Null(exists);
    }
}
