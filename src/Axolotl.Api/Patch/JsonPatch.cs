using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static Axolotl.Api.Patch.JsonNodes;

namespace Axolotl.Api.Patch;

/// <summary>
/// JSON patch, RFC 6902 (application/json-patch+json): add, remove, replace, move, copy and test, addressed by
/// RFC 6901 JSON pointers (<c>~1</c> is '/', <c>~0</c> is '~'; array indexes are decimal, "-" appends).
/// Operations apply in order and the first failure aborts the whole patch. Error messages follow the library
/// the Kubernetes API server uses (evanphx/json-patch), e.g. <c>testing value /spec/replicas failed: test failed</c>.
/// </summary>
public static class JsonPatch
{
    /// <summary>Applies <paramref name="operations"/> to <paramref name="document"/>; neither argument is modified.</summary>
    /// <exception cref="PatchException">An operation is malformed, addresses a missing location, or a test fails.</exception>
    public static JsonNode? Apply(JsonNode? document, JsonArray operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var doc = document?.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op)
            {
                throw new PatchException($"invalid JSON patch: operation {i} is a {Describe(operations[i])}, not an object");
            }
            var kind = StringValue(op["op"]) ?? "unknown";
            doc = kind switch
            {
                "add" => Add(doc, op),
                "remove" => Remove(doc, op),
                "replace" => Replace(doc, op),
                "move" => Move(doc, op),
                "copy" => Copy(doc, op),
                "test" => Test(doc, op),
                _ => throw new PatchException($"Unexpected kind: {kind}"),
            };
        }
        return doc;
    }

    private static JsonNode? Add(JsonNode? doc, JsonObject op)
    {
        var path = Member(op, "path", "add operation failed to decode path: missing value");
        var value = Value(op, "add");
        var tokens = ParsePointer(path);
        if (tokens.Count == 0)
        {
            return value;
        }
        AddAt(doc, tokens, value, path, "add", $"add operation does not apply: doc is missing path: \"{path}\": missing value");
        return doc;
    }

    private static JsonNode? Remove(JsonNode? doc, JsonObject op)
    {
        var path = Member(op, "path", "remove operation failed to decode path: missing value");
        RemoveAt(doc, ParsePointer(path), path, "remove", $"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        return doc;
    }

    private static JsonNode? Replace(JsonNode? doc, JsonObject op)
    {
        var path = Member(op, "path", "replace operation failed to decode path: missing value");
        var value = Value(op, "replace");
        var tokens = ParsePointer(path);
        if (tokens.Count == 0)
        {
            return value;
        }
        var parent = Resolve(doc, tokens, tokens.Count - 1)
            ?? throw new PatchException($"replace operation does not apply: doc is missing path: {path}: missing value");
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                if (!obj.ContainsKey(last))
                {
                    throw new PatchException($"replace operation does not apply: doc is missing key: {path}: missing value");
                }
                obj[last] = value;
                break;
            case JsonArray array:
                var index = ParseIndex(last, path, "replace");
                if (index >= array.Count)
                {
                    throw InvalidIndex("replace", path, index);
                }
                array[index] = value;
                break;
            default:
                throw new PatchException($"replace operation does not apply: doc is missing path: {path}: missing value");
        }
        return doc;
    }

    private static JsonNode? Move(JsonNode? doc, JsonObject op)
    {
        var from = Member(op, "from", "move operation failed to decode from: operation, missing from field: missing value");
        var path = Member(op, "path", "move operation failed to decode path: missing value");
        if (from == path)
        {
            return doc;
        }
        if (path.StartsWith(from + "/", StringComparison.Ordinal))
        {
            throw new PatchException($"move operation does not apply: cannot move {from} into its own child {path}");
        }
        var fromTokens = ParsePointer(from);
        var pathTokens = ParsePointer(path);
        if (fromTokens.Count == 0)
        {
            throw new PatchException($"move operation does not apply: cannot move the whole document to {path}");
        }
        var value = RemoveAt(doc, fromTokens, from, "move", $"move operation does not apply: doc is missing from path: {from}: missing value");
        if (pathTokens.Count == 0)
        {
            return value;
        }
        AddAt(doc, pathTokens, value, path, "move", $"move operation does not apply: doc is missing destination path: {path}: missing value");
        return doc;
    }

    private static JsonNode? Copy(JsonNode? doc, JsonObject op)
    {
        var from = Member(op, "from", "copy operation failed to decode from: operation, missing from field: missing value");
        var path = Member(op, "path", "copy operation failed to decode path: missing value");
        var fromTokens = ParsePointer(from);
        if (!TryGet(doc, fromTokens, out var source))
        {
            throw new PatchException($"copy operation does not apply: doc is missing from path: {from}: missing value");
        }
        var value = source?.DeepClone();
        var pathTokens = ParsePointer(path);
        if (pathTokens.Count == 0)
        {
            return value;
        }
        AddAt(doc, pathTokens, value, path, "copy", $"copy operation does not apply: doc is missing destination path: {path}: missing value");
        return doc;
    }

    private static JsonNode? Test(JsonNode? doc, JsonObject op)
    {
        var path = Member(op, "path", "test operation failed to decode path: missing value");
        var expected = Value(op, "test");
        if (!TryGet(doc, ParsePointer(path), out var actual))
        {
            throw new PatchException($"test operation does not apply: is missing path: {path}: missing value");
        }
        if (!DeepEquals(actual, expected))
        {
            throw new PatchException($"testing value {path} failed: test failed");
        }
        return doc;
    }

    private static void AddAt(JsonNode? doc, List<string> tokens, JsonNode? value, string path, string opName, string missingParent)
    {
        var parent = Resolve(doc, tokens, tokens.Count - 1) ?? throw new PatchException(missingParent);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array:
                if (last == "-")
                {
                    array.Add(value);
                    break;
                }
                var index = ParseIndex(last, path, opName);
                if (index > array.Count)
                {
                    throw InvalidIndex(opName, path, index);
                }
                array.Insert(index, value);
                break;
            default:
                throw new PatchException(missingParent);
        }
    }

    private static JsonNode? RemoveAt(JsonNode? doc, List<string> tokens, string path, string opName, string missingParent)
    {
        if (tokens.Count == 0)
        {
            throw new PatchException(missingParent);
        }
        var parent = Resolve(doc, tokens, tokens.Count - 1) ?? throw new PatchException(missingParent);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                if (!obj.ContainsKey(last))
                {
                    throw new PatchException($"error in {opName} for path: '{path}': Unable to remove nonexistent key: {last}: missing value");
                }
                return Take(obj, last);
            case JsonArray array:
                var index = ParseIndex(last, path, opName);
                if (index >= array.Count)
                {
                    throw InvalidIndex(opName, path, index);
                }
                var removed = array[index];
                array.RemoveAt(index);
                return removed;
            default:
                throw new PatchException(missingParent);
        }
    }

    /// <summary>The container addressed by the first <paramref name="count"/> tokens, or null if it does not exist.</summary>
    private static JsonNode? Resolve(JsonNode? doc, List<string> tokens, int count)
    {
        var node = doc;
        for (var i = 0; i < count; i++)
        {
            if (!TryStep(node, tokens[i], out node))
            {
                return null;
            }
        }
        return node;
    }

    private static bool TryGet(JsonNode? doc, List<string> tokens, out JsonNode? value)
    {
        value = doc;
        foreach (var token in tokens)
        {
            if (!TryStep(value, token, out value))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryStep(JsonNode? node, string token, out JsonNode? child)
    {
        child = null;
        switch (node)
        {
            case JsonObject obj:
                return obj.TryGetPropertyValue(token, out child);
            case JsonArray array:
                if (!TryParseIndex(token, out var index) || index >= array.Count)
                {
                    return false;
                }
                child = array[index];
                return true;
            default:
                return false;
        }
    }

    private static int ParseIndex(string token, string path, string opName)
    {
        if (!TryParseIndex(token, out var index))
        {
            throw new PatchException($"error in {opName} for path: '{path}': value was not a proper array index: '{token}'");
        }
        return index;
    }

    // RFC 6901: "0" or digits without a leading zero; no sign ("-" is handled by add, the only operation that allows it).
    private static bool TryParseIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
        {
            return false;
        }
        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static PatchException InvalidIndex(string opName, string path, int index) =>
        new($"error in {opName} for path: '{path}': Unable to access invalid index: {index}: invalid index referenced");

    private static List<string> ParsePointer(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }
        if (pointer[0] != '/')
        {
            throw new PatchException($"invalid JSON pointer \"{pointer}\": must be empty or start with '/'");
        }
        var tokens = new List<string>();
        foreach (var raw in pointer[1..].Split('/'))
        {
            tokens.Add(Unescape(raw, pointer));
        }
        return tokens;
    }

    private static string Unescape(string token, string pointer)
    {
        if (!token.Contains('~', StringComparison.Ordinal))
        {
            return token;
        }
        var builder = new StringBuilder(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] != '~')
            {
                builder.Append(token[i]);
                continue;
            }
            var next = i + 1 < token.Length ? token[i + 1] : '\0';
            builder.Append(next switch
            {
                '0' => '~',
                '1' => '/',
                _ => throw new PatchException($"invalid JSON pointer \"{pointer}\": '~' must be followed by '0' or '1'"),
            });
            i++;
        }
        return builder.ToString();
    }

    private static string Member(JsonObject op, string name, string missingMessage)
    {
        if (!op.TryGetPropertyValue(name, out var node) || IsNull(node))
        {
            throw new PatchException(missingMessage);
        }
        return StringValue(node) ?? throw new PatchException($"invalid JSON patch: \"{name}\" must be a string, not a {Describe(node)}");
    }

    private static JsonNode? Value(JsonObject op, string opName)
    {
        if (!op.TryGetPropertyValue("value", out var value))
        {
            throw new PatchException($"{opName} operation, missing value field: missing value");
        }
        return value?.DeepClone();
    }
}
