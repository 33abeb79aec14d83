namespace Axolotl.ApiServer.OpenApi;

/// <summary>
/// Upstream's component names for our CLR types: io.k8s.api.&lt;group&gt;.v1.&lt;Type&gt; for API group types,
/// io.k8s.apimachinery.pkg.apis.meta.v1.&lt;Type&gt; for meta/v1, and fixed names for the scalar wrappers.
/// The group comes from the type's namespace (Axolotl.Api.Apps → apps).
/// </summary>
internal static class SchemaNames
{
    public const string Prefix = "#/components/schemas/";
    public const string MetaV1 = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    public const string Time = MetaV1 + "Time";
    public const string MicroTime = MetaV1 + "MicroTime";
    public const string Quantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    public const string IntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

    // meta/v1 types our models keep beside the kinds that use them (LabelSelector, Condition live in Core).
    private static readonly HashSet<string> MetaTypeNames = new(StringComparer.Ordinal)
    {
        "ObjectMeta", "ListMeta", "OwnerReference", "LabelSelector", "LabelSelectorRequirement", "Condition",
        "ManagedFieldsEntry", "DeleteOptions", "Preconditions", "StatusDetails", "StatusCause", "FieldsV1",
    };

    private const string ModelNamespace = "Axolotl.Api.";

    public static string For(Type type)
    {
        switch (type.Name)
        {
            case "Quantity":
                return Quantity;
            case "IntOrString":
                return IntOrString;
        }

        var ns = type.Namespace ?? "";
        var name = Simple(type);
        if (ns.StartsWith(ModelNamespace, StringComparison.Ordinal))
        {
            var group = ns[ModelNamespace.Length..];
            var dot = group.IndexOf('.', StringComparison.Ordinal);
            group = dot < 0 ? group : group[..dot];
            if (group == "Meta" || MetaTypeNames.Contains(name))
            {
                return MetaV1 + name;
            }
            return "io.k8s.api." + group.ToLowerInvariant() + ".v1." + name;
        }
        return (ns.Length == 0 ? "" : ns + ".") + name;
    }

    /// <summary>The CLR namespace segment that holds the models of an API group: "" → Core, "apps" → Apps.</summary>
    public static string NamespaceSegment(string group)
    {
        if (group.Length == 0)
        {
            return "Core";
        }
        var dot = group.IndexOf('.', StringComparison.Ordinal);
        var first = dot < 0 ? group : group[..dot];
        return char.ToUpperInvariant(first[0]) + first[1..];
    }

    private static string Simple(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
