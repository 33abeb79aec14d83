using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.ApiServer.Apiextensions;

/// <summary>
/// apimachinery's generic ObjectMeta validation, which CRDs and custom resources get upstream: as the core
/// kinds' rules, except that a finalizer need only be a qualified name (core kinds also require a standard
/// or domain-prefixed one, which customresourcecleanup.apiextensions.k8s.io is not).
/// </summary>
public static class GenericMetadataValidation
{
    private const string CoreOnlyFinalizerRule = "name is neither a standard finalizer name nor is it fully qualified";

    public static List<FieldError> Validate(ObjectMeta meta, ObjectMeta? old, bool namespaced)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var path = FieldPath.Of("metadata");
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(meta, namespaced, MetadataValidation.DnsSubdomain, path)
            : MetadataValidation.ValidateObjectMetaUpdate(meta, old, path);
        errors.RemoveAll(e => e.Field.StartsWith("metadata.finalizers", StringComparison.Ordinal) && e.Message.EndsWith(CoreOnlyFinalizerRule, StringComparison.Ordinal));
        var finalizers = meta.Finalizers ?? [];
        for (var i = 0; i < finalizers.Count; i++)
        {
            errors.AddRange(NameRules.QualifiedName(finalizers[i]).Select(m => FieldError.Invalid(path.Child("finalizers").Index(i), finalizers[i], m)));
        }
        return errors;
    }
}
