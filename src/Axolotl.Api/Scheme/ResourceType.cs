using Axolotl.Api.Apiextensions.Schema;

namespace Axolotl.Api.Scheme;

/// <summary>One REST resource the API serves: where it lives, what it is called, and which CLR type models it.</summary>
public sealed record ResourceType
{
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Kind { get; init; }
    public required string Plural { get; init; }
    public required bool Namespaced { get; init; }
    public required Type ClrType { get; init; }
    public string Singular => SingularName ?? Kind.ToLowerInvariant();

    /// <summary>Set where the singular is not the lower-cased kind (a CRD's spec.names.singular).</summary>
    public string? SingularName { get; init; }
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Verbs { get; init; } = StandardVerbs;
    public IReadOnlyList<Subresource> Subresources { get; init; } = [];

    /// <summary>The storage prefix; events.k8s.io Events share core Events' storage.</summary>
    public string StorageResource { get; init; } = "";

    /// <summary>Set for a custom resource: what its CustomResourceDefinition says about its objects.</summary>
    public CustomResourceShape? Custom { get; init; }

    public bool IsCustom => Custom is not null;

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string GroupVersion => ApiVersion;
    public string ListKind => Kind + "List";

    /// <summary>"pods" or "deployments.apps", as upstream error messages name a resource.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static IReadOnlyList<string> StandardVerbs { get; } =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public bool HasSubresource(string name) => Subresources.Any(s => s.Name == name);
}

/// <summary>A subresource such as status, scale or eviction, with the kind it answers in.</summary>
public sealed record Subresource(string Name, string Group, string Version, string Kind, IReadOnlyList<string> Verbs);
