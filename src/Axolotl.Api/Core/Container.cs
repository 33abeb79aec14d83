using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Container. EphemeralContainer derives from it, as upstream's EphemeralContainerCommon mirrors it.</summary>
[Description("One application container to run inside a pod.")]
public class Container
{
    [Description("The container's name, a DNS label unique within the pod. Cannot be changed.")]
    public string Name { get; set => field = value ?? ""; } = "";

    [Description("The image reference to run, for example nginx:1.27.")]
    public string? Image { get; set; }

    [Description("The executable and its fixed arguments; replaces the image's entrypoint. $(VAR) refers to the container's environment.")]
    public List<string>? Command { get; set; }

    [Description("Arguments passed to the command; replaces the image's default arguments. $(VAR) refers to the container's environment.")]
    public List<string>? Args { get; set; }

    [Description("The directory the process starts in; defaults to the image's working directory.")]
    public string? WorkingDir { get; set; }

    [Description("Ports the container listens on. Informational, except that a hostPort binds the node's port.")]
    [PatchMergeKey("containerPort")]
    [PatchStrategy("merge")]
    public List<ContainerPort>? Ports { get; set; }

    [Description("Whole ConfigMaps or Secrets whose keys become environment variables. Explicit env entries win on a clash.")]
    public List<EnvFromSource>? EnvFrom { get; set; }

    [Description("Environment variables to set, each with a literal value or a value taken from another source.")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<EnvVar>? Env { get; set; }

    [Description("CPU, memory and other resources the container requests and may not exceed.")]
    public ResourceRequirements? Resources { get; set; }

    [Description("How resizing each resource in place is applied (restart or not).")]
    public List<ContainerResizePolicy>? ResizePolicy { get; set; }

    [Description("For an init container only: Always makes it a sidecar that keeps running beside the app containers.")]
    public string? RestartPolicy { get; set; }

    [Description("Volumes to mount into the container's filesystem.")]
    [PatchMergeKey("mountPath")]
    [PatchStrategy("merge")]
    public List<VolumeMount>? VolumeMounts { get; set; }

    [Description("Block devices the container uses.")]
    [PatchMergeKey("devicePath")]
    [PatchStrategy("merge")]
    public List<VolumeDevice>? VolumeDevices { get; set; }

    [Description("Periodic check that the container is alive; the container is restarted when it fails.")]
    public Probe? LivenessProbe { get; set; }

    [Description("Periodic check that the container can serve; while it fails the pod is removed from Service endpoints.")]
    public Probe? ReadinessProbe { get; set; }

    [Description("Check that the container has started; other probes wait until it succeeds, and failure restarts the container.")]
    public Probe? StartupProbe { get; set; }

    [Description("Actions run right after the container starts and right before it is stopped.")]
    public Lifecycle? Lifecycle { get; set; }

    [Description("File whose contents become the termination message. Defaults to /dev/termination-log.")]
    public string? TerminationMessagePath { get; set; }

    [Description("File uses only the message file; FallbackToLogsOnError uses the log tail when the file is empty and the container failed.")]
    public string? TerminationMessagePolicy { get; set; }

    [Description("When to pull the image: Always, Never or IfNotPresent. Defaults to Always for :latest or untagged images, else IfNotPresent.")]
    public string? ImagePullPolicy { get; set; }

    [Description("Security options for this container; they override the pod-level securityContext.")]
    public SecurityContext? SecurityContext { get; set; }

    [Description("Whether the container keeps a standard input buffer open.")]
    public bool? Stdin { get; set; }

    [Description("Whether standard input is closed after the first attached client disconnects.")]
    public bool? StdinOnce { get; set; }

    [Description("Whether the container gets a terminal; needs stdin as well.")]
    public bool? Tty { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
