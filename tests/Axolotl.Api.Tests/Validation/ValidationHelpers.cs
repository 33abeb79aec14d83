using Axolotl.Api.Defaulting;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Tests.Validation;

/// <summary>Parse, default and validate, as the API server does on create and update.</summary>
internal static class ValidationHelpers
{
    public static T Defaulted<T>(string json) where T : KubeObject
    {
        var obj = KubeJson.Deserialize<T>(json)!;
        ObjectDefaulter.Apply(obj);
        return obj;
    }

    public static List<string> Errors(KubeObject obj, KubeObject? old = null) =>
        ObjectValidator.Validate(obj, old).Select(e => e.ToString()).ToList();

    public static List<string> Errors<T>(string json) where T : KubeObject => Errors(Defaulted<T>(json));
}
