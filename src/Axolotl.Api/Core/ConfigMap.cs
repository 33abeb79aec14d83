using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>core/v1 ConfigMap.</summary>
[Description("Non-secret configuration as key/value pairs that pods consume as environment variables, arguments or files.")]
public sealed class ConfigMap : KubeObject
{
    [Description("When true, data cannot be changed; the ConfigMap can only be deleted and recreated.")]
    public bool? Immutable { get; set; }

    [Description("UTF-8 values by key. Keys must be alphanumeric, '-', '_' or '.'.")]
    public Dictionary<string, string>? Data { get; set; }

    [Description("Binary values by key, base64-encoded on the wire. Keys may not also appear in data.")]
    public Dictionary<string, byte[]>? BinaryData { get; set; }
}
