using Axolotl.Api.Apiextensions.Schema;
using Axolotl.ApiServer.Admission.Webhooks;

namespace Axolotl.ApiServer.Apiextensions.Conversion;

/// <summary>The converter of a served CRD version, from its spec.conversion as last read (the shape follows CRD updates).</summary>
public sealed class CustomResourceConverters(WebhookClient client)
{
    public ICustomResourceConverter For(CustomResourceShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Conversion.IsWebhook ? new WebhookConverter(client, shape.DefinitionName, shape.Conversion) : NoneConverter.Instance;
    }
}
