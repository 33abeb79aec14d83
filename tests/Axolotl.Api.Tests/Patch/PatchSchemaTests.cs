using Axolotl.Api.Patch;

namespace Axolotl.Api.Tests.Patch;

public sealed class PatchSchemaTests
{
    [Fact]
    public void A_list_with_a_merge_key_reports_key_and_strategy()
    {
        var containers = PatchSchema.For<TestPod>().Lookup("spec.containers");

        Assert.True(containers.IsList);
        Assert.True(containers.HasMergeStrategy);
        Assert.Equal("name", containers.MergeKey);
        Assert.Equal(PatchValueKind.Object, containers.ElementSchema.Kind);
        Assert.False(containers.ElementIsPrimitive);
    }

    [Fact]
    public void A_path_steps_through_list_elements()
    {
        var ports = PatchSchema.For<TestDeployment>().Lookup("spec.template.spec.containers.ports");

        Assert.True(ports.IsList);
        Assert.Equal("containerPort", ports.MergeKey);
    }

    [Fact]
    public void Finalizers_are_a_merging_list_of_primitives_without_a_key()
    {
        var finalizers = PatchSchema.For<TestPod>().Lookup("metadata.finalizers");

        Assert.True(finalizers.IsList);
        Assert.True(finalizers.ElementIsPrimitive);
        Assert.True(finalizers.HasMergeStrategy);
        Assert.Null(finalizers.MergeKey);
    }

    [Fact]
    public void Labels_are_a_map_of_primitives_and_any_key_resolves()
    {
        var schema = PatchSchema.For<TestPod>();

        var labels = schema.Lookup("metadata.labels");
        var one = schema.Lookup(["metadata", "labels", "app.kubernetes.io/name"]);

        Assert.True(labels.IsMap);
        Assert.True(labels.ElementIsPrimitive);
        Assert.Equal(PatchValueKind.Primitive, one.Schema.Kind);
        Assert.True(one.IsDeclared);
    }

    [Fact]
    public void A_list_without_attributes_has_no_strategy()
    {
        var taints = PatchSchema.For<TestNode>().Lookup("spec.taints");

        Assert.True(taints.IsList);
        Assert.Equal(PatchStrategies.None, taints.Strategies);
        Assert.Null(taints.MergeKey);
    }

    [Fact]
    public void RetainKeys_and_combined_strategies_are_parsed()
    {
        var strategy = PatchSchema.For<TestDeployment>().Lookup("spec.strategy");
        var volumes = PatchSchema.For<TestPod>().Lookup("spec.volumes");

        Assert.Equal(PatchStrategies.RetainKeys, strategy.Strategies);
        Assert.True(strategy.HasRetainKeysStrategy);
        Assert.Equal(PatchStrategies.Merge | PatchStrategies.RetainKeys, volumes.Strategies);
    }

    [Fact]
    public void Undeclared_and_opaque_fields_have_no_type_information()
    {
        var schema = PatchSchema.For<TestPod>();

        var undeclared = schema.Lookup("spec.priorityClassName");
        var opaque = schema.Lookup("spec.containers.resources");

        Assert.False(undeclared.IsDeclared);
        Assert.Equal(PatchValueKind.Unknown, undeclared.Schema.Kind);
        Assert.True(opaque.IsDeclared);
        Assert.Equal(PatchValueKind.Unknown, opaque.Schema.Kind);
    }

    [Fact]
    public void Extension_data_is_not_a_field()
    {
        Assert.DoesNotContain(PatchSchema.For<TestPod>().Fields, f => f.Name == "extensionData" || f.Name == "ExtensionData");
        Assert.False(PatchSchema.For<TestPodSpec>().TryGetField("extensionData", out _));
    }

    [Fact]
    public void Json_names_follow_the_serializer()
    {
        var schema = PatchSchema.For<RenamedFields>();

        Assert.True(schema.TryGetField("x-custom", out var custom));
        Assert.Equal("id", custom.MergeKey);
        Assert.False(schema.TryGetField("hidden", out _));
        Assert.True(schema.TryGetField("child", out _));
        Assert.True(PatchSchema.For<TestPod>().TryGetField("apiVersion", out _));
    }

    [Fact]
    public void Recursive_types_resolve_lazily()
    {
        var deep = PatchSchema.For<RenamedFields>().Lookup("child.children.child.x-custom");

        Assert.Equal("id", deep.MergeKey);
        Assert.Same(PatchSchema.For<RenamedFields>(), PatchSchema.For<RenamedFields>().Lookup("child").Schema);
    }

    [Fact]
    public void Schemas_are_cached_per_type()
    {
        var type = typeof(TestPod);

        Assert.Same(PatchSchema.For(type), PatchSchema.For<TestPod>());
    }

    [Fact]
    public void Nullable_and_primitive_types_are_primitives()
    {
        var deployment = PatchSchema.For<TestDeployment>();

        Assert.Equal(PatchValueKind.Primitive, deployment.Lookup("spec.replicas").Schema.Kind);
        Assert.Equal(PatchValueKind.Primitive, deployment.Lookup("metadata.creationTimestamp").Schema.Kind);
        Assert.Equal(PatchValueKind.Primitive, deployment.Lookup("metadata.generation").Schema.Kind);
    }

    [Fact]
    public void An_unknown_strategy_is_a_model_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PatchSchema.For<BadStrategy>().Field("items"));

        Assert.Contains("sideways", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_unknown_schema_answers_every_field_with_unknown()
    {
        var field = PatchSchema.Unknown.Lookup("a.b.c");

        Assert.False(field.IsDeclared);
        Assert.Same(PatchSchema.Unknown, field.Schema);
    }
}
