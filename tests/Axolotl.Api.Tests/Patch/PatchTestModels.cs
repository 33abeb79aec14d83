using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Patch;

// Test-only models carrying the patch attributes, shaped like upstream's strategicpatch test type (MergeItem) and like
// the parts of Pod, Deployment and Node that kubectl's patches touch. They keep these tests independent of how far the
// real kinds have been modelled.

public sealed class MergeItem
{
    public string? Name { get; set; }
    public string? Value { get; set; }
    public string? Other { get; set; }

    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<MergeItem>? MergingList { get; set; }

    public List<MergeItem>? NonMergingList { get; set; }

    [PatchStrategy("merge")]
    public List<int>? MergingIntList { get; set; }

    public List<int>? NonMergingIntList { get; set; }

    public Dictionary<string, string>? SimpleMap { get; set; }

    [PatchStrategy("replace")]
    public JsonElement? ReplacingItem { get; set; }

    [PatchStrategy("retainKeys")]
    public RetainKeysMergeItem? RetainKeysMap { get; set; }

    [PatchMergeKey("name")]
    [PatchStrategy("merge,retainKeys")]
    public List<MergeItem>? RetainKeysMergingList { get; set; }

    [PatchStrategy("merge")]
    public List<JsonElement>? KeylessMergingList { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class RetainKeysMergeItem
{
    public string? Name { get; set; }
    public string? Value { get; set; }
    public string? Other { get; set; }
    public Dictionary<string, string>? SimpleMap { get; set; }

    [PatchStrategy("merge")]
    public List<int>? MergingIntList { get; set; }

    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<MergeItem>? MergingList { get; set; }
}

public sealed class TestPod : KubeObject<TestPodSpec, TestPodStatus>
{
}

public sealed class TestPodSpec
{
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<TestContainer>? Containers { get; set; }

    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<TestContainer>? InitContainers { get; set; }

    [PatchMergeKey("name")]
    [PatchStrategy("merge,retainKeys")]
    public List<TestVolume>? Volumes { get; set; }

    public List<JsonElement>? Tolerations { get; set; }

    public string? NodeName { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

public sealed class TestContainer
{
    public string? Name { get; set; }
    public string? Image { get; set; }
    public List<string>? Command { get; set; }
    public List<string>? Args { get; set; }

    [PatchMergeKey("containerPort")]
    [PatchStrategy("merge")]
    public List<JsonElement>? Ports { get; set; }

    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<JsonElement>? Env { get; set; }

    [PatchMergeKey("mountPath")]
    [PatchStrategy("merge")]
    public List<JsonElement>? VolumeMounts { get; set; }

    public JsonElement? Resources { get; set; }
}

public sealed class TestVolume
{
    public string? Name { get; set; }
    public JsonElement? EmptyDir { get; set; }
    public JsonElement? ConfigMap { get; set; }
    public JsonElement? Secret { get; set; }
}

public sealed class TestPodStatus
{
    public string? Phase { get; set; }

    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<JsonElement>? Conditions { get; set; }
}

public sealed class TestDeployment : KubeObject<TestDeploymentSpec, TestDeploymentStatus>
{
}

public sealed class TestDeploymentSpec
{
    public int? Replicas { get; set; }
    public JsonElement? Selector { get; set; }
    public TestPodTemplate? Template { get; set; }

    [PatchStrategy("retainKeys")]
    public TestDeploymentStrategy? Strategy { get; set; }
}

public sealed class TestPodTemplate
{
    public ObjectMeta? Metadata { get; set; }
    public TestPodSpec? Spec { get; set; }
}

public sealed class TestDeploymentStrategy
{
    public string? Type { get; set; }
    public JsonElement? RollingUpdate { get; set; }
}

public sealed class TestDeploymentStatus
{
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<JsonElement>? Conditions { get; set; }
}

public sealed class TestNode : KubeObject<TestNodeSpec, TestNodeStatus>
{
}

public sealed class TestNodeSpec
{
    public bool? Unschedulable { get; set; }
    public List<JsonElement>? Taints { get; set; }
}

public sealed class TestNodeStatus
{
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<JsonElement>? Conditions { get; set; }

    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<JsonElement>? Addresses { get; set; }
}

public sealed class RenamedFields
{
    [JsonPropertyName("x-custom")]
    [PatchMergeKey("id")]
    [PatchStrategy("merge")]
    public List<JsonElement>? Custom { get; set; }

    [JsonIgnore]
    public string? Hidden { get; set; }

    public RenamedFields? Child { get; set; }

    public List<RenamedFields>? Children { get; set; }
}

public sealed class BadStrategy
{
    [PatchStrategy("sideways")]
    public List<string>? Items { get; set; }
}
