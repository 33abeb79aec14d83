using Axolotl.Api.Meta;

namespace Axolotl.Api.Defaulting;

/// <summary>Applies Kubernetes' defaults to an object of any served kind, in place.</summary>
public static class ObjectDefaulter
{
    public static void Apply(KubeObject obj)
    {
    }
}
