using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Axolotl.Agent.Probes.Probers;

/// <summary>
/// The two grpc.health.v1 messages, framed for gRPC by hand (they are one field each):
/// HealthCheckRequest { string service = 1; } and HealthCheckResponse { ServingStatus status = 1; }.
/// A gRPC message is a 5-byte prefix (compressed flag, big-endian length) and the protobuf bytes.
/// </summary>
internal static class GrpcHealthCodec
{
    public const string CheckPath = "/grpc.health.v1.Health/Check";

    /// <summary>A framed HealthCheckRequest; an empty service is the default value and so not written (proto3).</summary>
    public static byte[] EncodeRequest(string service)
    {
        var name = Encoding.UTF8.GetBytes(service);
        var message = new List<byte>();
        if (name.Length > 0)
        {
            message.Add(0x0A); // field 1, length-delimited
            WriteVarint(message, (ulong)name.Length);
            message.AddRange(name);
        }

        var framed = new byte[5 + message.Count];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Count);
        message.CopyTo(framed, 5);
        return framed;
    }

    /// <summary>
    /// Reads the status from a framed HealthCheckResponse. False with an error (grpc-go's wording)
    /// when the body holds no complete message or is compressed.
    /// </summary>
    public static bool TryDecodeResponse(ReadOnlySpan<byte> body, out int status, out string error)
    {
        status = 0;
        error = "";
        if (body.Length < 5)
        {
            error = body.Length == 0
                ? "cardinality violation: received no response message from non-streaming RPC"
                : "unexpected EOF";
            return false;
        }

        if (body[0] != 0)
        {
            error = "grpc: compressed flag set with identity or empty encoding";
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body[1..5]);
        if (length > (uint)(body.Length - 5))
        {
            error = "unexpected EOF";
            return false;
        }

        var message = body.Slice(5, (int)length);
        while (!message.IsEmpty)
        {
            if (!TryReadVarint(ref message, out var tag))
            {
                return Malformed(out error);
            }

            var field = tag >> 3;
            switch (tag & 7)
            {
                case 0:
                    if (!TryReadVarint(ref message, out var value))
                    {
                        return Malformed(out error);
                    }

                    if (field == 1)
                    {
                        status = unchecked((int)value);
                    }

                    break;
                case 1:
                    if (message.Length < 8)
                    {
                        return Malformed(out error);
                    }

                    message = message[8..];
                    break;
                case 2:
                    if (!TryReadVarint(ref message, out var size) || size > (ulong)message.Length)
                    {
                        return Malformed(out error);
                    }

                    message = message[(int)size..];
                    break;
                case 5:
                    if (message.Length < 4)
                    {
                        return Malformed(out error);
                    }

                    message = message[4..];
                    break;
                default:
                    return Malformed(out error);
            }
        }

        return true;
    }

    /// <summary>The ServingStatus enum's name, as Go's generated String() prints it.</summary>
    public static string StatusName(int status) => status switch
    {
        0 => "UNKNOWN",
        1 => "SERVING",
        2 => "NOT_SERVING",
        3 => "SERVICE_UNKNOWN",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>grpc-go's codes.Code String().</summary>
    public static string CodeName(int code) => code switch
    {
        0 => "OK",
        1 => "Canceled",
        2 => "Unknown",
        3 => "InvalidArgument",
        4 => "DeadlineExceeded",
        5 => "NotFound",
        6 => "AlreadyExists",
        7 => "PermissionDenied",
        8 => "ResourceExhausted",
        9 => "FailedPrecondition",
        10 => "Aborted",
        11 => "OutOfRange",
        12 => "Unimplemented",
        13 => "Internal",
        14 => "Unavailable",
        15 => "DataLoss",
        16 => "Unauthenticated",
        _ => "Code(" + code.ToString(CultureInfo.InvariantCulture) + ")",
    };

    private static bool Malformed(out string error)
    {
        error = "grpc: failed to unmarshal the received message: proto: cannot parse invalid wire-format data";
        return false;
    }

    private static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> input, out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10 && i < input.Length; i++)
        {
            value |= (ulong)(input[i] & 0x7F) << (7 * i);
            if ((input[i] & 0x80) == 0)
            {
                input = input[(i + 1)..];
                return true;
            }
        }

        return false;
    }
}
