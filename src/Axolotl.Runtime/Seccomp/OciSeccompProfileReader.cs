using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// Reads a profile file as containerd does (Go's encoding/json into specs.LinuxSeccomp): keys match
/// case-insensitively, unknown keys and nulls are ignored, and a value of the wrong type fails with
/// Go's message ("json: cannot unmarshal string into Go struct field LinuxSeccompArg.syscalls.args.index
/// of type uint"), which containerd puts in its "decoding seccomp profile failed" error.
/// </summary>
public static class OciSeccompProfileReader
{
    /// <summary>Parses <paramref name="json"/>; throws <see cref="FormatException"/> with Go's wording.</summary>
    public static OciSeccompProfile Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new FormatException(SyntaxError(json, e));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return new OciSeccompProfile("", []);
            }
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"json: cannot unmarshal {Kind(root)} into Go value of type specs.LinuxSeccomp");
            }
            string defaultAction = "";
            uint? defaultErrno = null;
            List<string>? architectures = null, flags = null;
            string? listener = null;
            var syscalls = new List<OciSeccompSyscall>();
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name.ToLowerInvariant())
                {
                    case "defaultaction": defaultAction = String(value, "LinuxSeccomp.defaultAction", "specs.LinuxSeccompAction") ?? defaultAction; break;
                    case "defaulterrnoret": defaultErrno = UInt(value, "LinuxSeccomp.defaultErrnoRet", "uint") ?? defaultErrno; break;
                    case "architectures": architectures = Strings(value, "LinuxSeccomp.architectures", "specs.Arch") ?? architectures; break;
                    case "flags": flags = Strings(value, "LinuxSeccomp.flags", "specs.LinuxSeccompFlag") ?? flags; break;
                    case "listenerpath": listener = String(value, "LinuxSeccomp.listenerPath", "string") ?? listener; break;
                    case "listenermetadata": String(value, "LinuxSeccomp.listenerMetadata", "string"); break;
                    case "syscalls":
                        if (Array(value, "LinuxSeccomp.syscalls", "[]specs.LinuxSyscall") is { } entries)
                        {
                            syscalls.Clear();
                            syscalls.AddRange(entries.Select(Syscall));
                        }
                        break;
                }
            }
            return new OciSeccompProfile(defaultAction, syscalls, architectures, defaultErrno, flags, listener);
        }
    }

    private static OciSeccompSyscall Syscall(JsonElement entry)
    {
        if (entry.ValueKind == JsonValueKind.Null)
        {
            return new OciSeccompSyscall([], "");
        }
        Expect(entry, JsonValueKind.Object, "LinuxSyscall.syscalls", "specs.LinuxSyscall");
        List<string> names = [];
        string action = "";
        uint? errno = null;
        List<OciSeccompArg> args = [];
        foreach (var property in entry.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.ToLowerInvariant())
            {
                case "names": names = Strings(value, "LinuxSyscall.syscalls.names", "string") ?? names; break;
                case "action": action = String(value, "LinuxSyscall.syscalls.action", "specs.LinuxSeccompAction") ?? action; break;
                case "errnoret": errno = UInt(value, "LinuxSyscall.syscalls.errnoRet", "uint") ?? errno; break;
                case "args":
                    if (Array(value, "LinuxSyscall.syscalls.args", "[]specs.LinuxSeccompArg") is { } list)
                    {
                        args = list.Select(Arg).ToList();
                    }
                    break;
            }
        }
        return new OciSeccompSyscall(names, action, args, errno);
    }

    private static OciSeccompArg Arg(JsonElement arg)
    {
        if (arg.ValueKind == JsonValueKind.Null)
        {
            return new OciSeccompArg(0, 0, "");
        }
        Expect(arg, JsonValueKind.Object, "LinuxSeccompArg.syscalls.args", "specs.LinuxSeccompArg");
        uint index = 0;
        ulong value = 0, valueTwo = 0;
        string op = "";
        foreach (var property in arg.EnumerateObject())
        {
            var element = property.Value;
            switch (property.Name.ToLowerInvariant())
            {
                case "index": index = UInt(element, "LinuxSeccompArg.syscalls.args.index", "uint") ?? index; break;
                case "value": value = ULong(element, "LinuxSeccompArg.syscalls.args.value", "uint64") ?? value; break;
                case "valuetwo": valueTwo = ULong(element, "LinuxSeccompArg.syscalls.args.valueTwo", "uint64") ?? valueTwo; break;
                case "op": op = String(element, "LinuxSeccompArg.syscalls.args.op", "specs.LinuxSeccompOperator") ?? op; break;
            }
        }
        return new OciSeccompArg(index, value, op, valueTwo);
    }

    private static string? String(JsonElement value, string field, string type)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        Expect(value, JsonValueKind.String, field, type);
        return value.GetString();
    }

    private static List<string>? Strings(JsonElement value, string field, string type)
    {
        if (Array(value, field, "[]" + type) is not { } items)
        {
            return null;
        }
        return items.Select(item => String(item, field, type) ?? "").ToList();
    }

    private static List<JsonElement>? Array(JsonElement value, string field, string type)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        Expect(value, JsonValueKind.Array, field, type);
        return value.EnumerateArray().ToList();
    }

    private static uint? UInt(JsonElement value, string field, string type)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        Expect(value, JsonValueKind.Number, field, type);
        // Go's uint is 64 bits wide; anything a uint32 cannot hold is no errno or argument index anyway.
        return value.TryGetUInt32(out var number) ? number : throw NotRepresentable(value, field, type);
    }

    private static ulong? ULong(JsonElement value, string field, string type)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        Expect(value, JsonValueKind.Number, field, type);
        return value.TryGetUInt64(out var number) ? number : throw NotRepresentable(value, field, type);
    }

    private static void Expect(JsonElement value, JsonValueKind kind, string field, string type)
    {
        if (value.ValueKind != kind)
        {
            throw new FormatException($"json: cannot unmarshal {Kind(value)} into Go struct field {field} of type {type}");
        }
    }

    private static FormatException NotRepresentable(JsonElement value, string field, string type) =>
        new($"json: cannot unmarshal number {value.GetRawText()} into Go struct field {field} of type {type}");

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };

    /// <summary>Go's syntax errors name the offending character, or say the input ended.</summary>
    private static string SyntaxError(ReadOnlySpan<byte> json, JsonException e)
    {
        var text = Encoding.UTF8.GetString(json);
        if (text.Trim().Length == 0)
        {
            return "unexpected end of JSON input";
        }
        var offset = OffsetOf(text, e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
        if (offset >= text.Length)
        {
            return "unexpected end of JSON input";
        }
        var c = text[offset];
        var shown = c switch
        {
            '\'' => "'\\''",
            '"' => "'\"'",
            _ when char.IsControl(c) => "'\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) + "'",
            _ => $"'{c}'",
        };
        return $"invalid character {shown} looking for beginning of value";
    }

    private static int OffsetOf(string text, long line, long column)
    {
        var offset = 0;
        for (var l = 0L; l < line && offset < text.Length; l++)
        {
            var next = text.IndexOf('\n', offset);
            offset = next < 0 ? text.Length : next + 1;
        }
        return (int)Math.Min(text.Length, offset + column);
    }
}
