using System.Text.Json.Serialization;

namespace Axolotl.Client;

/// <summary>The body of a DELETE, as meta/v1 DeleteOptions.</summary>
public sealed record DeleteOptions
{
    [JsonPropertyOrder(-20)]
    public string Kind { get; init; } = "DeleteOptions";

    [JsonPropertyOrder(-10)]
    public string ApiVersion { get; init; } = "v1";

    /// <summary>"Background", "Foreground" or "Orphan"; see <see cref="PropagationPolicy"/>.</summary>
    public string? PropagationPolicy { get; init; }

    public Preconditions? Preconditions { get; init; }

    public long? GracePeriodSeconds { get; init; }

    public List<string>? DryRun { get; init; }

    public static DeleteOptions Background { get; } = new() { PropagationPolicy = Client.PropagationPolicy.Background };

    public static DeleteOptions Foreground { get; } = new() { PropagationPolicy = Client.PropagationPolicy.Foreground };

    public static DeleteOptions Orphan { get; } = new() { PropagationPolicy = Client.PropagationPolicy.Orphan };
}

/// <summary>Conditions the server checks before deleting: the object must still have this UID / resourceVersion.</summary>
public sealed record Preconditions
{
    public string? Uid { get; init; }
    public string? ResourceVersion { get; init; }
}

/// <summary>metav1.DeletionPropagation values.</summary>
public static class PropagationPolicy
{
    public const string Background = "Background";
    public const string Foreground = "Foreground";
    public const string Orphan = "Orphan";
}
