using System.Text.Json.Nodes;
using Axolotl.Api.Autoscaling.V1;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Rest;

/// <summary>Serves stored autoscaling/v2 HorizontalPodAutoscalers as autoscaling/v1 and back (<see cref="HorizontalPodAutoscalerConversion"/>).</summary>
public static class AutoscalingViews
{
    public static JsonObject ToV1(JsonObject v2)
    {
        var typed = KubeJson.FromNode<Api.Autoscaling.HorizontalPodAutoscaler>(v2) ?? throw new InvalidDataException("stored autoscaler is null");
        return KubeJson.ToNode(HorizontalPodAutoscalerConversion.ToV1(typed));
    }

    /// <summary>The v2 object to store, with v2's defaults (behavior) filled in as upstream's storage version has them.</summary>
    public static JsonObject ToV2(JsonObject v1)
    {
        var typed = KubeJson.FromNode<HorizontalPodAutoscaler>(v1) ?? throw new InvalidDataException("autoscaler is null");
        try
        {
            var converted = HorizontalPodAutoscalerConversion.ToV2(typed);
            AutoscalingDefaults.Apply(converted);
            return KubeJson.ToNode(converted);
        }
        catch (FormatException e)
        {
            throw ApiErrors.BadRequest($"invalid autoscaling annotation: {e.Message}");
        }
    }
}
