namespace Axolotl.ApiServer.Protobuf;

/// <summary>Why a protobuf request body could not be turned into JSON.</summary>
public enum ProtobufDecodeError
{
    /// <summary>The body does not start with the k8s\0 envelope magic.</summary>
    NotKubernetesProtobuf,

    /// <summary>Truncated or otherwise invalid protobuf wire data.</summary>
    Malformed,

    /// <summary>A well-formed envelope naming an apiVersion/kind this decoder has no schema for.</summary>
    UnsupportedKind,

    /// <summary>The envelope's contentEncoding/contentType asks for something other than plain protobuf or JSON.</summary>
    UnsupportedEncoding,
}

/// <summary>
/// A protobuf request body that cannot be decoded. The API server answers 415 UnsupportedMediaType for
/// <see cref="ProtobufDecodeError.UnsupportedKind"/> and <see cref="ProtobufDecodeError.UnsupportedEncoding"/>,
/// and 400 BadRequest otherwise.
/// </summary>
public sealed class ProtobufDecodeException(ProtobufDecodeError error, string message) : Exception(message)
{
    public ProtobufDecodeError Error { get; } = error;

    internal static ProtobufDecodeException Malformed(string message) => new(ProtobufDecodeError.Malformed, message);
}
