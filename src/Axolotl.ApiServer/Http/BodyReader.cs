using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Protobuf;
using Microsoft.AspNetCore.Http;

namespace Axolotl.ApiServer.Http;

/// <summary>Reads request bodies with upstream's 3 MiB limit and decodes JSON, YAML and Kubernetes protobuf.</summary>
public static class BodyReader
{
    public const long MaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>How deep a JSON or YAML body may nest (Kubernetes objects need about ten levels).</summary>
    public const int MaxDepth = 100;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    private static readonly string[] ObjectMediaTypes = [MediaTypes.Json, MediaTypes.Yaml, MediaTypes.Protobuf];

    public static async Task<byte[]> ReadBytesAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxBodyBytes)
        {
            throw ApiErrors.TooLarge(MaxBodyBytes);
        }
        var buffer = new ArrayBufferWriter<byte>(4096);
        var body = ctx.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            int read;
            try
            {
                read = await body.ReadAsync(memory, ctx.RequestAborted);
            }
            catch (IOException e)
            {
                throw new RequestBodyAbortedException(e);
            }
            if (read == 0)
            {
                break;
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBodyBytes)
            {
                throw ApiErrors.TooLarge(MaxBodyBytes);
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a whole object (create, update): JSON, YAML or protobuf.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        var bytes = await ReadBytesAsync(ctx);
        return ParseObject(ctx.Request.ContentType, bytes);
    }

    /// <summary>Decodes an object body by its Content-Type; anything but JSON, YAML or protobuf is a 415.</summary>
    public static JsonObject ParseObject(string? contentType, byte[] bytes)
    {
        var mediaType = MediaTypes.Essence(contentType);
        return mediaType switch
        {
            "" or MediaTypes.Json => ParseJsonObject(bytes),
            MediaTypes.Yaml => ParseYamlObject(bytes),
            MediaTypes.Protobuf => DecodeProtobuf(bytes),
            _ => throw ApiErrors.UnsupportedMediaType(mediaType, ObjectMediaTypes),
        };
    }

    public static JsonObject ParseJsonObject(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw ApiErrors.BadRequest("the request body is empty");
        }
        try
        {
            CheckJson(bytes);
            return JsonNode.Parse(bytes, documentOptions: DocumentOptions) as JsonObject
                ?? throw ApiErrors.BadRequest("the request body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest($"Object 'Kind' is missing in '{Excerpt(bytes)}': {e.Message}");
        }
    }

    public static JsonNode ParseJson(byte[] bytes)
    {
        try
        {
            CheckJson(bytes);
            return JsonNode.Parse(bytes, documentOptions: DocumentOptions) ?? throw ApiErrors.BadRequest("the request body is null");
        }
        catch (JsonException e)
        {
            throw ApiErrors.BadRequest($"error decoding the request body as JSON: {e.Message}");
        }
    }

    public static JsonObject ParseYamlObject(byte[] bytes)
    {
        if (YamlUtf8.Problem(bytes) is { } problem)
        {
            throw ApiErrors.BadRequest($"error converting YAML to JSON: yaml: {problem}");
        }
        try
        {
            return YamlToJson.Convert(Encoding.UTF8.GetString(bytes)) as JsonObject
                ?? throw ApiErrors.BadRequest("the request body must be a YAML mapping");
        }
        catch (FormatException e)
        {
            throw ApiErrors.BadRequest(e.Message);
        }
    }

    /// <summary>
    /// One pass over the tokens before a tree is built, for what JsonNode would only trip over later
    /// (a 500 then): a key repeated in one object, and a string with a lone UTF-16 surrogate escape.
    /// </summary>
    private static void CheckJson(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
        var keys = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    keys.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.EndObject:
                    keys.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    var name = ReadString(ref reader);
                    if (!keys.Peek().Add(name))
                    {
                        throw ApiErrors.BadRequest($"json: duplicate field \"{name}\"");
                    }
                    break;
                case JsonTokenType.String:
                    _ = ReadString(ref reader);
                    break;
            }
        }
    }

    private static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ApiErrors.BadRequest("json: invalid UTF-16 in a string: a surrogate escape without its pair");
        }
    }

    private static JsonObject DecodeProtobuf(byte[] bytes)
    {
        try
        {
            return KubeProtobufDecoder.Decode(bytes);
        }
        catch (ProtobufDecodeException e) when (e.Error is ProtobufDecodeError.UnsupportedKind or ProtobufDecodeError.UnsupportedEncoding)
        {
            throw ApiErrors.Make(415, "UnsupportedMediaType", e.Message);
        }
        catch (ProtobufDecodeException e)
        {
            throw ApiErrors.BadRequest($"error decoding protobuf body: {e.Message}");
        }
    }

    private static string Excerpt(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 120));
        return bytes.Length > 120 ? text + "…" : text;
    }
}
