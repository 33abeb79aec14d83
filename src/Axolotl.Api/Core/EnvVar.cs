using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>One environment variable of a container.</summary>
public sealed class EnvVar
{
    [Description("Variable name; must be a C_IDENTIFIER-like name.")]
    public string Name { get; set => field = value ?? ""; } = "";

    [Description("Literal value; $(VAR) references to earlier variables are expanded.")]
    public string? Value { get; set; }

    [Description("Where to read the value from instead of a literal.")]
    public EnvVarSource? ValueFrom { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>The source of an environment variable's value: exactly one of the four references.</summary>
public sealed class EnvVarSource
{
    [Description("A field of the pod, such as metadata.name, status.podIP or spec.nodeName.")]
    public ObjectFieldSelector? FieldRef { get; set; }

    [Description("A resource request or limit of a container, such as limits.memory.")]
    public ResourceFieldSelector? ResourceFieldRef { get; set; }

    [Description("A key of a ConfigMap in the pod's namespace.")]
    public ConfigMapKeySelector? ConfigMapKeyRef { get; set; }

    [Description("A key of a Secret in the pod's namespace.")]
    public SecretKeySelector? SecretKeyRef { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Selects a field of the pod by path (downward API).</summary>
public sealed class ObjectFieldSelector
{
    public string? ApiVersion { get; set; }

    public string FieldPath { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Selects a container's resource request or limit (downward API), scaled by divisor.</summary>
public sealed class ResourceFieldSelector
{
    public string? ContainerName { get; set; }

    public string Resource { get; set => field = value ?? ""; } = "";

    public Resources.Quantity? Divisor { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Selects one key of a ConfigMap.</summary>
public sealed class ConfigMapKeySelector
{
    public string? Name { get; set; }

    public string Key { get; set => field = value ?? ""; } = "";

    public bool? Optional { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Selects one key of a Secret.</summary>
public sealed class SecretKeySelector
{
    public string? Name { get; set; }

    public string Key { get; set => field = value ?? ""; } = "";

    public bool? Optional { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Imports every key of a ConfigMap or Secret as environment variables, optionally prefixed.</summary>
public sealed class EnvFromSource
{
    public string? Prefix { get; set; }

    public ConfigMapEnvSource? ConfigMapRef { get; set; }

    public SecretEnvSource? SecretRef { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A ConfigMap whose keys become environment variables.</summary>
public sealed class ConfigMapEnvSource
{
    public string? Name { get; set; }

    public bool? Optional { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A Secret whose keys become environment variables.</summary>
public sealed class SecretEnvSource
{
    public string? Name { get; set; }

    public bool? Optional { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
