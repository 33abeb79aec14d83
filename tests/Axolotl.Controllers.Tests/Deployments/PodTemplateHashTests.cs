using Axolotl.Api.Core;
using Axolotl.Controllers.Deployments;

namespace Axolotl.Controllers.Tests.Deployments;

public sealed class PodTemplateHashTests
{
    [Fact]
    public void Digits_map_onto_upstreams_safe_alphabet()
    {
        // '0'..'9' are code points 48..57; 48 % 27 = 21 is '4' in "bcdfghjklmnpqrstvwxz2456789".
        Assert.Equal("456789bcdf", PodTemplateHash.SafeEncode("0123456789"));
    }

    [Fact]
    public void The_hash_is_stable_and_ignores_label_order()
    {
        var a = DeploymentFixture.Template();
        a.Metadata.Labels = new() { ["app"] = "web", ["tier"] = "front" };
        var b = DeploymentFixture.Template();
        b.Metadata.Labels = new() { ["tier"] = "front", ["app"] = "web" };

        Assert.Equal(PodTemplateHash.Compute(a, null), PodTemplateHash.Compute(b, null));
        Assert.Matches("^[456789bcdf]{1,10}$", PodTemplateHash.Compute(a, null));
    }

    [Fact]
    public void A_different_template_or_a_collision_count_gives_a_different_hash()
    {
        var template = DeploymentFixture.Template();
        var hash = PodTemplateHash.Compute(template, null);
        Assert.NotEqual(hash, PodTemplateHash.Compute(DeploymentFixture.Template("busybox:1.37"), null));
        Assert.NotEqual(hash, PodTemplateHash.Compute(template, 1));
        Assert.NotEqual(PodTemplateHash.Compute(template, 1), PodTemplateHash.Compute(template, 2));
    }

    [Fact]
    public void Templates_equal_apart_from_the_hash_label_and_empty_values_are_equal()
    {
        var deployment = DeploymentFixture.Template();
        var replicaSet = DeploymentFixture.Template();
        replicaSet.Metadata.Labels![DeploymentAnnotations.PodTemplateHashLabel] = "7c5ddbdf54";
        replicaSet.Spec.Containers[0].Env = [];
        replicaSet.Spec.Containers[0].Resources = new ResourceRequirements();

        Assert.True(PodTemplateHash.EqualIgnoreHash(deployment, replicaSet));
        replicaSet.Spec.Containers[0].Image = "busybox:1.37";
        Assert.False(PodTemplateHash.EqualIgnoreHash(deployment, replicaSet));
    }

    [Fact]
    public void A_template_with_only_the_hash_label_equals_one_without_labels()
    {
        var bare = new PodTemplateSpec { Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "x" }] } };
        var hashed = new PodTemplateSpec
        {
            Metadata = new() { Labels = new() { [DeploymentAnnotations.PodTemplateHashLabel] = "abc" } },
            Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "x" }] },
        };
        Assert.True(PodTemplateHash.EqualIgnoreHash(bare, hashed));
    }
}
