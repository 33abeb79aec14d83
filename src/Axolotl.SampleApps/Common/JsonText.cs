using System.Buffers;
using System.Text.Json;

namespace Axolotl.SampleApps.Common;

/// <summary>JSON written without reflection, so the trimmed self-contained build that goes into the images keeps working.</summary>
public static class JsonText
{
    /// <summary>A flat object of string properties, in the order given.</summary>
    public static byte[] Object(params (string Name, string Value)[] properties) =>
        Write(w =>
        {
            w.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
        });

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
