using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Secret. stringData is write-only: it is merged into data on write.</summary>
[Description("Sensitive data, such as passwords or keys, as key/value pairs that pods consume as files or environment variables.")]
public sealed class Secret : KubeObject
{
    [Description("When true, data cannot be changed; the Secret can only be deleted and recreated.")]
    public bool? Immutable { get; set; }

    [Description("Values by key, base64-encoded on the wire.")]
    public Dictionary<string, byte[]>? Data { get; set; }

    [Description("Plain-text values by key, merged into data on write and never returned.")]
    public Dictionary<string, string>? StringData { get; set; }

    [Description("The kind of secret, such as Opaque or kubernetes.io/tls. Defaults to Opaque.")]
    public string? Type { get; set; }
}
