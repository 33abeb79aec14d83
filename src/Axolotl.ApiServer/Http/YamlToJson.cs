using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Axolotl.ApiServer.Http;

/// <summary>
/// Turns one YAML document into JSON, typing plain scalars as YAML 1.2's core schema does. Built from
/// the parser's event stream with an explicit stack, so no input can recurse the server off its stack:
/// nesting is capped at <see cref="MaxDepth"/>, and aliases are expanded under go-yaml's budget
/// ("document contains excessive aliasing", the check kubectl and kube-apiserver's decoder make), so a
/// few hundred bytes of nested aliases cannot become a billion nodes.
/// </summary>
public static class YamlToJson
{
    /// <summary>The same nesting limit as JSON bodies.</summary>
    public const int MaxDepth = BodyReader.MaxDepth;

    /// <summary>Nodes one document may produce, aliases expanded (a 3 MiB body of plain nodes stays well below).</summary>
    public const long MaxNodes = 2_000_000;

    private const string Prefix = "error converting YAML to JSON: yaml: ";

    public static JsonNode? Convert(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var builder = new Builder();
        var documents = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        if (++documents > 1)
                        {
                            throw new FormatException("error converting YAML to JSON: expected a single YAML document");
                        }
                        break;
                    case ParsingEvent e:
                        builder.Add(e);
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            throw new FormatException($"{Prefix}line {e.Start.Line}: {e.Message}", e);
        }
        return builder.Result;
    }

    /// <summary>One open collection: what it builds, its anchor, the key waiting for a value, and the node count when it opened.</summary>
    private sealed class Frame(JsonNode container, string? anchor, long nodesAtStart)
    {
        public JsonNode Container { get; } = container;
        public string? Anchor { get; } = anchor;
        public long NodesAtStart { get; } = nodesAtStart;
        public string? PendingKey { get; set; }
    }

    private sealed class Builder
    {
        private readonly Stack<Frame> _open = new();
        private readonly Dictionary<string, (JsonNode? Node, long Count)> _anchors = new(StringComparer.Ordinal);
        private long _nodes;
        private long _aliasNodes;

        public JsonNode? Result { get; private set; }

        public void Add(ParsingEvent e)
        {
            switch (e)
            {
                case MappingStart m:
                    Open(new JsonObject(), m.Anchor);
                    break;
                case SequenceStart s:
                    Open(new JsonArray(), s.Anchor);
                    break;
                case MappingEnd or SequenceEnd:
                    Close();
                    break;
                case Scalar scalar:
                    Count(1, alias: false);
                    var value = ToScalar(scalar);
                    Remember(scalar.Anchor, value, 1);
                    Attach(value, scalar);
                    break;
                case AnchorAlias alias:
                    Attach(Expand(alias.Value.Value), null);
                    break;
            }
        }

        private void Open(JsonNode container, AnchorName anchor)
        {
            if (_open.TryPeek(out var parent) && parent.Container is JsonObject && parent.PendingKey is null)
            {
                throw new FormatException($"{Prefix}non-scalar mapping key");
            }
            if (_open.Count >= MaxDepth)
            {
                throw new FormatException($"{Prefix}exceeded max depth of {MaxDepth}");
            }
            Count(1, alias: false);
            _open.Push(new Frame(container, anchor.IsEmpty ? null : anchor.Value, _nodes));
        }

        private void Close()
        {
            var frame = _open.Pop();
            if (frame.Anchor is { } anchor)
            {
                _anchors[anchor] = (frame.Container, _nodes - frame.NodesAtStart + 1);
            }
            Attach(frame.Container, null);
        }

        private void Remember(AnchorName anchor, JsonNode? value, long count)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = (value, count);
            }
        }

        /// <summary>A copy of the anchored node, paid for before it is made.</summary>
        private JsonNode? Expand(string anchor)
        {
            if (_open.Any(f => f.Anchor == anchor))
            {
                throw new FormatException($"{Prefix}anchor '{anchor}' value contains itself");
            }
            if (!_anchors.TryGetValue(anchor, out var anchored))
            {
                throw new FormatException($"{Prefix}unknown anchor '{anchor}' referenced");
            }
            Count(anchored.Count, alias: true);
            return anchored.Node?.DeepClone();
        }

        /// <summary>go-yaml's rule: past 1,000 nodes and 100 from aliases, the aliased share must stay under a ratio that falls from 99 % to 10 % as documents grow.</summary>
        private void Count(long nodes, bool alias)
        {
            _nodes += nodes;
            if (alias)
            {
                _aliasNodes += nodes;
            }
            if (_aliasNodes > 100 && _nodes > 1000 && (double)_aliasNodes / _nodes > AllowedAliasRatio(_nodes))
            {
                throw new FormatException($"{Prefix}document contains excessive aliasing");
            }
            if (_nodes > MaxNodes)
            {
                throw new FormatException(_aliasNodes > 0 ? $"{Prefix}document contains excessive aliasing" : $"{Prefix}document has more than {MaxNodes} nodes");
            }
        }

        private static double AllowedAliasRatio(long nodes) => nodes switch
        {
            <= 400_000 => 0.99,
            >= 4_000_000 => 0.10,
            _ => 0.99 - (0.89 * ((nodes - 400_000) / 3_600_000.0)),
        };

        private void Attach(JsonNode? value, Scalar? scalar)
        {
            if (!_open.TryPeek(out var parent))
            {
                Result = value;
                return;
            }
            switch (parent.Container)
            {
                case JsonArray array:
                    array.Add(value);
                    break;
                case JsonObject obj when parent.PendingKey is null:
                    parent.PendingKey = scalar?.Value ?? throw new FormatException($"{Prefix}non-scalar mapping key");
                    if (obj.ContainsKey(parent.PendingKey))
                    {
                        throw new FormatException($"{Prefix}mapping key \"{parent.PendingKey}\" already defined");
                    }
                    break;
                case JsonObject obj:
                    obj[parent.PendingKey] = value;
                    parent.PendingKey = null;
                    break;
            }
        }
    }

    private static JsonNode? ToScalar(Scalar scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded ||
            (scalar.Tag.IsGlobal && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.') &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(text);
    }
}
