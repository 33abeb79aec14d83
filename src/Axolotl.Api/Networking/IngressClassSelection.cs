namespace Axolotl.Api.Networking;

/// <summary>
/// Which Ingresses this controller serves, as upstream decides it: spec.ingressClassName naming a class
/// whose controller is ours, else the deprecated kubernetes.io/ingress.class annotation naming one (or our
/// class's name before the class exists), else, with neither, a default class that is ours. Pure: the node's
/// Ingress controller and the API server's authorizer for its identity (which TLS Secrets it may read) decide alike.
/// </summary>
public static class IngressClassSelection
{
    public const string ControllerName = "axolotl.io/ingress-controller";
    public const string ClassName = "axolotl";
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";
    public const string LegacyClassAnnotation = "kubernetes.io/ingress.class";

    public static bool IsDefault(IngressClass ingressClass) =>
        ingressClass.Metadata.Annotations?.TryGetValue(DefaultClassAnnotation, out var value) == true && value == "true";

    public static bool IsOurs(IngressClass ingressClass, string controller = ControllerName) => ingressClass.Spec?.Controller == controller;

    public static bool IsOurs(Ingress ingress, IReadOnlyCollection<IngressClass> classes, string controller = ControllerName)
    {
        if (ingress.Spec?.IngressClassName is { Length: > 0 } className)
        {
            return classes.Any(c => c.Metadata.Name == className && IsOurs(c, controller));
        }
        if (ingress.Metadata.Annotations?.TryGetValue(LegacyClassAnnotation, out var legacy) == true && legacy.Length > 0)
        {
            return classes.Any(c => c.Metadata.Name == legacy && IsOurs(c, controller)) || (legacy == ClassName && classes.All(c => c.Metadata.Name != legacy));
        }
        // No class at all: the default class's controller takes it. Several defaults (which the API allows
        // but admission refuses to pick from): ours when any of them is ours, so such an Ingress is not dropped.
        return classes.Any(c => IsDefault(c) && IsOurs(c, controller));
    }

    /// <summary>The class to create at start, or null when one named <see cref="ClassName"/> exists already.</summary>
    public static IngressClass? ClassToCreate(IReadOnlyCollection<IngressClass> existing, string controller = ControllerName)
    {
        if (existing.Any(c => c.Metadata.Name == ClassName))
        {
            return null;
        }
        var ingressClass = new IngressClass
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "IngressClass",
            Metadata = new() { Name = ClassName },
            Spec = new IngressClassSpec { Controller = controller },
        };
        // Default only when the cluster has none: never take the role from a class an admin marked.
        if (!existing.Any(IsDefault))
        {
            ingressClass.Metadata.Annotations = new() { [DefaultClassAnnotation] = "true" };
        }
        return ingressClass;
    }
}
