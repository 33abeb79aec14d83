using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Protobuf.Schema;

namespace Axolotl.ApiServer.Protobuf;

/// <summary>
/// Decodes request bodies sent as application/vnd.kubernetes.protobuf (kubectl's typed clients:
/// create namespace/deployment/configmap/secret/job…, auth can-i) into Kubernetes JSON.
/// The body is the magic "k8s\0" followed by a runtime.Unknown message
/// {typeMeta{apiVersion=1, kind=2}=1, raw=2, contentEncoding=3, contentType=4}, where raw is the
/// object encoded with the k8s.io/api generated.proto schemas.
/// </summary>
public static class KubeProtobufDecoder
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>True for application/vnd.kubernetes.protobuf with or without parameters.</summary>
    public static bool IsProtobufMediaType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) &&
        string.Equals(parsed.MediaType, MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Decode"/> has a schema for this top-level apiVersion and kind.</summary>
    public static bool CanDecode(string apiVersion, string kind) =>
        ServedKinds.Find(SchemaRegistry.Default, apiVersion, kind) is not null;

    /// <summary>
    /// Decodes a whole request body into a JSON object that starts with kind and apiVersion, as
    /// Kubernetes JSON does. Zero values Go would omit (omitempty) are left out.
    /// </summary>
    /// <exception cref="ProtobufDecodeException">bad magic, malformed data, an unknown kind or an unsupported encoding</exception>
    public static JsonObject Decode(ReadOnlySpan<byte> body) => DecodeEnvelope(body, 0);

    internal static bool HasMagic(ReadOnlySpan<byte> body) => body.StartsWith(Magic);

    internal static JsonObject DecodeEnvelope(ReadOnlySpan<byte> body, int depth)
    {
        if (!HasMagic(body))
        {
            throw new ProtobufDecodeException(ProtobufDecodeError.NotKubernetesProtobuf,
                "the body does not start with the Kubernetes protobuf prefix k8s\\0");
        }
        if (depth > MessageDecoder.MaxDepth)
        {
            throw ProtobufDecodeException.Malformed("envelopes nested too deeply");
        }

        string apiVersion = "", kind = "", contentEncoding = "", contentType = "";
        ReadOnlySpan<byte> raw = default;
        var reader = new WireReader(body[Magic.Length..]);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (number is < 1 or > 4)
            {
                reader.Skip(wireType, number);
                continue;
            }
            if (wireType != WireType.LengthDelimited)
            {
                throw ProtobufDecodeException.Malformed($"runtime.Unknown field {number}: wire type {wireType}, expected LengthDelimited");
            }
            var value = reader.ReadLengthDelimited();
            switch (number)
            {
                case 1:
                    (apiVersion, kind) = ReadTypeMeta(value, apiVersion, kind);
                    break;
                case 2:
                    raw = value;
                    break;
                case 3:
                    contentEncoding = Encoding.UTF8.GetString(value);
                    break;
                default:
                    contentType = Encoding.UTF8.GetString(value);
                    break;
            }
        }

        if (apiVersion.Length == 0 || kind.Length == 0)
        {
            throw ProtobufDecodeException.Malformed("the protobuf envelope does not name an apiVersion and kind");
        }
        if (contentEncoding.Length != 0)
        {
            throw new ProtobufDecodeException(ProtobufDecodeError.UnsupportedEncoding, $"unsupported content encoding \"{contentEncoding}\"");
        }
        if (contentType.Length != 0 && !IsProtobufMediaType(contentType))
        {
            return IsJsonMediaType(contentType)
                ? ParseJsonPayload(raw, apiVersion, kind)
                : throw new ProtobufDecodeException(ProtobufDecodeError.UnsupportedEncoding, $"unsupported embedded content type \"{contentType}\"");
        }

        var schema = ServedKinds.Find(SchemaRegistry.Default, apiVersion, kind)
            ?? throw new ProtobufDecodeException(ProtobufDecodeError.UnsupportedKind,
                $"no protobuf decoding for kind \"{kind}\" in \"{apiVersion}\"; send it as application/json");
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        MessageDecoder.DecodeInto(result, raw, schema, depth + 1);
        return result;
    }

    private static (string ApiVersion, string Kind) ReadTypeMeta(ReadOnlySpan<byte> typeMeta, string apiVersion, string kind)
    {
        var reader = new WireReader(typeMeta);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (number is 1 or 2 && wireType == WireType.LengthDelimited)
            {
                var text = Encoding.UTF8.GetString(reader.ReadLengthDelimited());
                (apiVersion, kind) = number == 1 ? (text, kind) : (apiVersion, text);
            }
            else
            {
                reader.Skip(wireType, number);
            }
        }
        return (apiVersion, kind);
    }

    private static bool IsJsonMediaType(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) &&
        string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    private static JsonObject ParseJsonPayload(ReadOnlySpan<byte> raw, string apiVersion, string kind)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(raw);
        }
        catch (JsonException e)
        {
            throw ProtobufDecodeException.Malformed($"embedded JSON object is invalid: {e.Message}");
        }
        if (node is not JsonObject obj)
        {
            throw ProtobufDecodeException.Malformed("embedded JSON is not an object");
        }
        obj["kind"] ??= kind;
        obj["apiVersion"] ??= apiVersion;
        return obj;
    }
}
