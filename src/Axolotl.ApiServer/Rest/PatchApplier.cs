using System.Text.Json.Nodes;
using Axolotl.Api.Patch;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Rest;

/// <summary>Parses a PATCH body by its media type and applies it to the current object.</summary>
public static class PatchApplier
{
    private static readonly string[] PatchMediaTypes =
        [MediaTypes.JsonPatch, MediaTypes.MergePatch, MediaTypes.StrategicMergePatch, MediaTypes.ApplyPatch];

    public static JsonNode ParsePatch(string patchType, byte[] bytes)
    {
        switch (patchType)
        {
            case MediaTypes.JsonPatch:
                return BodyReader.ParseJson(bytes) as JsonArray
                    ?? throw ApiErrors.BadRequest("json patch must be a JSON array of operations");
            case MediaTypes.MergePatch or MediaTypes.StrategicMergePatch:
                return BodyReader.ParseJsonObject(bytes);
            case MediaTypes.ApplyPatch:
                return bytes.Length > 0 && bytes[0] == (byte)'{' ? BodyReader.ParseJsonObject(bytes) : BodyReader.ParseYamlObject(bytes);
            default:
                throw ApiErrors.UnsupportedMediaType(patchType, PatchMediaTypes);
        }
    }

    public static JsonObject Apply(ResourceType type, string patchType, JsonObject current, JsonNode patch)
    {
        try
        {
            var result = patchType switch
            {
                MediaTypes.JsonPatch => JsonPatch.Apply(current, (JsonArray)patch),
                MediaTypes.MergePatch => JsonMergePatch.Apply(current, patch),
                _ => StrategicMergePatch.Apply(current, (JsonObject)patch, type.ClrType),
            };
            return result as JsonObject ?? throw ApiErrors.BadRequest("the patch did not produce a JSON object");
        }
        catch (PatchException e)
        {
            throw ApiErrors.Make(422, "Invalid", e.Message);
        }
    }
}
