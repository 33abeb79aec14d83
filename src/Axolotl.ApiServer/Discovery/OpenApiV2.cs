using System.Text;

namespace Axolotl.ApiServer.Discovery;

/// <summary>
/// /openapi/v2 for kubectl, which only reads it as a fallback (kinds absent from v3, `kind: List` files) and
/// only as a gnostic openapi_v2.Document protobuf (JSON clients get the full Swagger document, SwaggerV2). An empty document (swagger "2.0", info) is enough:
/// kubectl then skips client-side checks for types it does not know and reports a mapping error
/// ("no matches for kind …") instead of "failed to download openapi". Every served kind validates
/// server-side through v3.
/// </summary>
public static class OpenApiV2
{
    // Upstream answers with a dot where the Accept header has an "@" (Go's mime parser rejects "@").
    public const string ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    public static byte[] Document { get; } = Build();

    /// <summary>
    /// True when the Accept header names the gnostic protobuf before any JSON it accepts (kubectl sends
    /// only "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"); no header, JSON or */* mean JSON.
    /// </summary>
    public static bool PrefersProtobuf(Microsoft.Extensions.Primitives.StringValues accept)
    {
        foreach (var range in accept.SelectMany(h => (h ?? "").Split(',')))
        {
            var mediaType = range.Split(';')[0].Trim();
            if (mediaType.StartsWith("application/com.github.proto-openapi.spec.v2", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (mediaType is "application/json" or "*/*" or "application/*")
            {
                return false;
            }
        }
        return false;
    }

    private static byte[] Build()
    {
        var info = Concat(StringField(1, "Kubernetes"), StringField(2, "v1.32.4"));
        return Concat(StringField(1, "2.0"), MessageField(2, info));
    }

    private static byte[] StringField(int number, string value) => MessageField(number, Encoding.UTF8.GetBytes(value));

    // Field sizes here stay under 128 bytes, so each length is a one-byte varint.
    private static byte[] MessageField(int number, byte[] payload) =>
        Concat([(byte)((number << 3) | 2), checked((byte)payload.Length)], payload);

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
