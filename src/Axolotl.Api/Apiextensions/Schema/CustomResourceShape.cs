namespace Axolotl.Api.Apiextensions.Schema;

/// <summary>
/// What one served version of a CustomResourceDefinition says about its objects, beyond the names a
/// ResourceType carries: the schema to validate, prune and default with, the Table columns, and
/// the status and scale subresources. A ResourceType with a shape is a custom resource.
/// </summary>
public sealed record CustomResourceShape
{
    /// <summary>The CRD's name, plural.group.</summary>
    public required string DefinitionName { get; init; }

    public required JsonSchemaProps Schema { get; init; }

    /// <summary>
    /// The version objects are stored at: an object written at another version is converted to it, and
    /// converted back to the version a client reads at (<see cref="Conversion"/>).
    /// </summary>
    public required string StorageVersion { get; init; }

    /// <summary>The columns the CRD declares; when empty the Table is upstream's default for CRs (Name, Age).</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    public bool StatusSubresource { get; init; }

    public ScaleSubresource? Scale { get; init; }

    /// <summary>How objects cross between the CRD's versions (spec.conversion).</summary>
    public CustomResourceConversion Conversion { get; init; } = CustomResourceConversion.None;

    /// <summary>The CRD is being deleted: its objects are still served so their finalizers can finish, but none may be created.</summary>
    public bool Terminating { get; init; }
}

/// <summary>The scale subresource's JSON paths (".spec.replicas", ".status.replicas", ".status.selector").</summary>
public sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);
