using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>A health check run against a container: one handler plus timing and thresholds.</summary>
[Description("A check the node agent runs periodically against a container to decide whether it is alive, ready or started.")]
public sealed class Probe
{
    [Description("Run a command inside the container; exit status 0 is success.")]
    public ExecAction? Exec { get; set; }

    [Description("Send an HTTP GET; a status from 200 to 399 is success.")]
    public HTTPGetAction? HttpGet { get; set; }

    [Description("Open a TCP connection; success if it connects.")]
    public TCPSocketAction? TcpSocket { get; set; }

    [Description("Call the gRPC health service; SERVING is success.")]
    public GRPCAction? Grpc { get; set; }

    [Description("Seconds after the container starts before the first probe. Defaults to 0.")]
    public int? InitialDelaySeconds { get; set; }

    [Description("Seconds before one probe attempt times out. Defaults to 1, minimum 1.")]
    public int? TimeoutSeconds { get; set; }

    [Description("Seconds between probe attempts. Defaults to 10, minimum 1.")]
    public int? PeriodSeconds { get; set; }

    [Description("Consecutive successes needed after a failure to count as passing. Defaults to 1; must be 1 for liveness and startup probes.")]
    public int? SuccessThreshold { get; set; }

    [Description("Consecutive failures needed to count as failing. Defaults to 3, minimum 1.")]
    public int? FailureThreshold { get; set; }

    [Description("Grace period used when this probe's failure kills the container, overriding the pod's. Not allowed on readiness probes.")]
    public long? TerminationGracePeriodSeconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Runs a command in the container (no shell unless the command starts one).</summary>
public sealed class ExecAction
{
    public List<string>? Command { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>An HTTP GET against the container.</summary>
public sealed class HTTPGetAction
{
    [Description("Path to request. Defaults to /.")]
    public string? Path { get; set; }

    [Description("Port number or named container port to connect to.")]
    public IntOrString Port { get; set; }

    [Description("Host to connect to; defaults to the pod IP. Prefer a Host header instead.")]
    public string? Host { get; set; }

    [Description("HTTP or HTTPS. Defaults to HTTP.")]
    public string? Scheme { get; set; }

    [Description("Extra request headers.")]
    public List<HTTPHeader>? HttpHeaders { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>One HTTP header of an HTTP probe.</summary>
public sealed class HTTPHeader
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string Value { get; set => field = value ?? ""; } = "";

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A TCP connection attempt against the container.</summary>
public sealed class TCPSocketAction
{
    public IntOrString Port { get; set; }

    public string? Host { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>A gRPC health check (grpc.health.v1) against the container.</summary>
public sealed class GRPCAction
{
    public int Port { get; set; }

    /// <summary>The service name sent in the health request; empty means the server as a whole.</summary>
    public string? Service { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>Pauses for a number of seconds (a lifecycle hook only).</summary>
public sealed class SleepAction
{
    public long Seconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
