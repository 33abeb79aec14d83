using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>Hooks run when a container starts and before it is stopped.</summary>
[Description("Actions the node agent runs at container start and before container stop.")]
public sealed class Lifecycle
{
    [Description("Runs right after the container is created; if it fails the container is killed and restarted per the restart policy.")]
    public LifecycleHandler? PostStart { get; set; }

    [Description("Runs before the container is sent its stop signal; it counts against the termination grace period.")]
    public LifecycleHandler? PreStop { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One lifecycle action: exactly one of exec, httpGet, tcpSocket (deprecated) or sleep.</summary>
public sealed class LifecycleHandler
{
    public ExecAction? Exec { get; set; }

    public HTTPGetAction? HttpGet { get; set; }

    public TCPSocketAction? TcpSocket { get; set; }

    public SleepAction? Sleep { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
