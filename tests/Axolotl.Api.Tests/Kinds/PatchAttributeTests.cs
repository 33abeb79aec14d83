using System.Reflection;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Kinds;

/// <summary>Strategic merge patch reads these attributes by reflection, so they must match upstream's struct tags.</summary>
public sealed class PatchAttributeTests
{
    [Theory]
    [InlineData(typeof(PodSpec), nameof(PodSpec.Containers), "name", "merge")]
    [InlineData(typeof(PodSpec), nameof(PodSpec.InitContainers), "name", "merge")]
    [InlineData(typeof(PodSpec), nameof(PodSpec.EphemeralContainers), "name", "merge")]
    [InlineData(typeof(PodSpec), nameof(PodSpec.Volumes), "name", "merge,retainKeys")]
    [InlineData(typeof(PodSpec), nameof(PodSpec.ImagePullSecrets), "name", "merge")]
    [InlineData(typeof(PodSpec), nameof(PodSpec.HostAliases), "ip", "merge")]
    [InlineData(typeof(PodSpec), nameof(PodSpec.TopologySpreadConstraints), "topologyKey", "merge")]
    [InlineData(typeof(PodSpec), nameof(PodSpec.SchedulingGates), "name", "merge")]
    [InlineData(typeof(PodSpec), nameof(PodSpec.ResourceClaims), "name", "merge,retainKeys")]
    [InlineData(typeof(Container), nameof(Container.Env), "name", "merge")]
    [InlineData(typeof(Container), nameof(Container.Ports), "containerPort", "merge")]
    [InlineData(typeof(Container), nameof(Container.VolumeMounts), "mountPath", "merge")]
    [InlineData(typeof(Container), nameof(Container.VolumeDevices), "devicePath", "merge")]
    [InlineData(typeof(PodStatus), nameof(PodStatus.Conditions), "type", "merge")]
    [InlineData(typeof(PodStatus), nameof(PodStatus.PodIPs), "ip", "merge")]
    [InlineData(typeof(PodStatus), nameof(PodStatus.HostIPs), "ip", "merge")]
    [InlineData(typeof(NodeStatus), nameof(NodeStatus.Conditions), "type", "merge")]
    [InlineData(typeof(NodeStatus), nameof(NodeStatus.Addresses), "type", "merge")]
    [InlineData(typeof(ServiceSpec), nameof(ServiceSpec.Ports), "port", "merge")]
    [InlineData(typeof(ServiceStatus), nameof(ServiceStatus.Conditions), "type", "merge")]
    [InlineData(typeof(ServiceAccount), nameof(ServiceAccount.Secrets), "name", "merge")]
    [InlineData(typeof(DeploymentStatus), nameof(DeploymentStatus.Conditions), "type", "merge")]
    [InlineData(typeof(ReplicaSetStatus), nameof(ReplicaSetStatus.Conditions), "type", "merge")]
    [InlineData(typeof(DaemonSetStatus), nameof(DaemonSetStatus.Conditions), "type", "merge")]
    [InlineData(typeof(ReplicationControllerStatus), nameof(ReplicationControllerStatus.Conditions), "type", "merge")]
    [InlineData(typeof(NamespaceStatus), nameof(NamespaceStatus.Conditions), "type", "merge")]
    [InlineData(typeof(Policy.PodDisruptionBudgetStatus), nameof(Policy.PodDisruptionBudgetStatus.Conditions), "type", "merge")]
    [InlineData(typeof(ContainerStatus), nameof(ContainerStatus.VolumeMounts), "mountPath", "merge")]
    public void Merged_lists_carry_upstreams_merge_key_and_strategy(Type type, string property, string key, string strategy)
    {
        var info = type.GetProperty(property)!;
        Assert.Equal(key, info.GetCustomAttribute<PatchMergeKeyAttribute>()?.Key);
        Assert.Equal(strategy, info.GetCustomAttribute<PatchStrategyAttribute>()?.Strategy);
    }

    [Theory]
    [InlineData(typeof(DeploymentSpec), nameof(DeploymentSpec.Strategy), "retainKeys")]
    [InlineData(typeof(NodeSpec), nameof(NodeSpec.PodCIDRs), "merge")]
    [InlineData(typeof(Policy.PodDisruptionBudgetSpec), nameof(Policy.PodDisruptionBudgetSpec.Selector), "replace")]
    public void Other_patch_strategies_match_upstream(Type type, string property, string strategy)
    {
        Assert.Equal(strategy, type.GetProperty(property)!.GetCustomAttribute<PatchStrategyAttribute>()?.Strategy);
    }

    [Theory]
    [InlineData(typeof(NodeSpec), nameof(NodeSpec.Taints))]
    [InlineData(typeof(PodSpec), nameof(PodSpec.Tolerations))]
    [InlineData(typeof(Container), nameof(Container.EnvFrom))]
    [InlineData(typeof(Container), nameof(Container.Command))]
    [InlineData(typeof(ResourceRequirements), nameof(ResourceRequirements.Claims))]
    public void Atomic_lists_have_no_merge_key(Type type, string property)
    {
        var info = type.GetProperty(property)!;
        Assert.Null(info.GetCustomAttribute<PatchMergeKeyAttribute>());
        Assert.Null(info.GetCustomAttribute<PatchStrategyAttribute>());
    }

    [Fact]
    public void Every_model_class_keeps_unknown_fields()
    {
        var modelTypes = typeof(Pod).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.Namespace is "Axolotl.Api.Core" or "Axolotl.Api.Apps" or "Axolotl.Api.Discovery"
                        or "Axolotl.Api.Coordination" or "Axolotl.Api.Policy" or "Axolotl.Api.Events" or "Axolotl.Api.Autoscaling")
            .Where(t => t.GetProperties().Length > 0 && !t.Name.EndsWith("Converter", StringComparison.Ordinal) && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static).All(m => m.DeclaringType != t))
            .ToList();
        Assert.True(modelTypes.Count > 150, $"only {modelTypes.Count} model classes found");
        var missing = modelTypes.Where(t => t.GetProperty("ExtensionData") is null).Select(t => t.FullName).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Kinds_have_descriptions_for_explain()
    {
        foreach (var resource in Scheme.KnownResources.All)
        {
            Assert.NotNull(resource.ClrType.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>());
        }
        Assert.NotNull(typeof(Container).GetProperty(nameof(Container.Image))!.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>());
        Assert.NotNull(typeof(Probe).GetProperty(nameof(Probe.PeriodSeconds))!.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>());
    }
}
