using Axolotl.Api.Meta;

namespace Axolotl.Api.Selectors;

/// <summary>
/// The label selector string grammar, parsed the way upstream's labels.Parse does so that the same inputs are
/// accepted and the same error texts come back:
/// <code>
/// selector    ::= requirement | requirement "," selector
/// requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "&lt;") VALUE ]
/// </code>
/// Whitespace separates tokens; "in"/"notin" are keywords only where an operator is expected.
/// </summary>
internal sealed class LabelSelectorParser
{
    private const string BinaryOperators = "in, notin, =, ==, !=, gt, lt";

    private readonly List<(Token Token, string Literal)> _items;
    private int _position;

    private LabelSelectorParser(string text)
    {
        _items = Lex(text);
    }

    private enum Token
    {
        Error,
        EndOfString,
        ClosedPar,
        Comma,
        DoesNotExist,
        DoubleEquals,
        Equals,
        GreaterThan,
        Identifier,
        In,
        LessThan,
        NotEquals,
        NotIn,
        OpenPar,
    }

    private enum Context
    {
        KeyAndOperator,
        Values,
    }

    /// <exception cref="FormatException">The text is not a valid selector (upstream's message).</exception>
    public static List<LabelRequirement> Parse(string text) => new LabelSelectorParser(text).ParseSelector();

    private List<LabelRequirement> ParseSelector()
    {
        var requirements = new List<LabelRequirement>();
        while (true)
        {
            var (token, literal) = Lookahead(Context.Values);
            switch (token)
            {
                case Token.Identifier or Token.DoesNotExist:
                    LabelRequirement requirement;
                    try
                    {
                        requirement = ParseRequirement();
                    }
                    catch (FormatException e)
                    {
                        throw new FormatException($"unable to parse requirement: {e.Message}", e);
                    }
                    requirements.Add(requirement);
                    var (next, nextLiteral) = Consume(Context.Values);
                    switch (next)
                    {
                        case Token.EndOfString:
                            return requirements;
                        case Token.Comma:
                            var (after, afterLiteral) = Lookahead(Context.Values);
                            if (after is not (Token.Identifier or Token.DoesNotExist))
                            {
                                throw new FormatException($"found '{afterLiteral}', expected: identifier after ','");
                            }
                            break;
                        default:
                            throw new FormatException($"found '{nextLiteral}', expected: ',' or 'end of string'");
                    }
                    break;
                case Token.EndOfString:
                    return requirements;
                default:
                    throw new FormatException($"found '{literal}', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private LabelRequirement ParseRequirement()
    {
        var (key, op) = ParseKeyAndInferOperator();
        if (op is SelectionOperator.Exists or SelectionOperator.DoesNotExist)
        {
            return Validated(key, op.Value, []);
        }
        var binary = ParseOperator();
        var values = binary is SelectionOperator.In or SelectionOperator.NotIn ? ParseValues() : ParseExactValue();
        return Validated(key, binary, [.. values.Order(StringComparer.Ordinal)]);
    }

    private static LabelRequirement Validated(string key, SelectionOperator op, string[] values)
    {
        var errors = LabelRequirement.Validate(key, op, values, keyPath: "key");
        if (errors.Count > 0)
        {
            throw new FormatException(LabelValidation.Aggregate(errors));
        }
        return new LabelRequirement(key, op, values);
    }

    private (string Key, SelectionOperator? Operator) ParseKeyAndInferOperator()
    {
        SelectionOperator? op = null;
        var (token, literal) = Consume(Context.Values);
        if (token == Token.DoesNotExist)
        {
            op = SelectionOperator.DoesNotExist;
            (token, literal) = Consume(Context.Values);
        }
        if (token != Token.Identifier)
        {
            throw new FormatException($"found '{literal}', expected: identifier");
        }
        var keyErrors = LabelValidation.LabelKeyErrors(literal);
        if (keyErrors.Count > 0)
        {
            // Upstream validates the key against a nil field path here, hence "<nil>".
            throw new FormatException(LabelValidation.Invalid("<nil>", GoValue.Quote(literal), string.Join("; ", keyErrors)));
        }
        var (next, _) = Lookahead(Context.Values);
        if (next is Token.EndOfString or Token.Comma && op != SelectionOperator.DoesNotExist)
        {
            op = SelectionOperator.Exists;
        }
        return (literal, op);
    }

    private SelectionOperator ParseOperator()
    {
        var (token, literal) = Consume(Context.KeyAndOperator);
        return token switch
        {
            Token.In => SelectionOperator.In,
            Token.Equals => SelectionOperator.Equals,
            Token.DoubleEquals => SelectionOperator.DoubleEquals,
            Token.GreaterThan => SelectionOperator.GreaterThan,
            Token.LessThan => SelectionOperator.LessThan,
            Token.NotIn => SelectionOperator.NotIn,
            Token.NotEquals => SelectionOperator.NotEquals,
            _ => throw new FormatException($"found '{literal}', expected: {BinaryOperators}"),
        };
    }

    private HashSet<string> ParseValues()
    {
        var (token, literal) = Consume(Context.Values);
        if (token != Token.OpenPar)
        {
            throw new FormatException($"found '{literal}' expected: '('");
        }
        (token, literal) = Lookahead(Context.Values);
        switch (token)
        {
            case Token.Identifier or Token.Comma:
                var values = ParseIdentifiersList();
                if (Consume(Context.Values).Token != Token.ClosedPar)
                {
                    throw new FormatException($"found '{literal}', expected: ')'");
                }
                return values;
            case Token.ClosedPar:
                Consume(Context.Values);
                return new HashSet<string>(StringComparer.Ordinal) { "" };
            default:
                throw new FormatException($"found '{literal}', expected: ',', ')' or identifier");
        }
    }

    // A possibly empty, comma separated list of possibly empty values: "(a,,b)" and "(,)" hold "".
    private HashSet<string> ParseIdentifiersList()
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var (token, literal) = Consume(Context.Values);
            switch (token)
            {
                case Token.Identifier:
                    values.Add(literal);
                    var (next, nextLiteral) = Lookahead(Context.Values);
                    switch (next)
                    {
                        case Token.Comma:
                            continue;
                        case Token.ClosedPar:
                            return values;
                        default:
                            throw new FormatException($"found '{nextLiteral}', expected: ',' or ')'");
                    }
                case Token.Comma:
                    if (values.Count == 0)
                    {
                        values.Add("");
                    }
                    var (following, _) = Lookahead(Context.Values);
                    if (following == Token.ClosedPar)
                    {
                        values.Add("");
                        return values;
                    }
                    if (following == Token.Comma)
                    {
                        Consume(Context.Values);
                        values.Add("");
                    }
                    break;
                default:
                    throw new FormatException($"found '{literal}', expected: ',', or identifier");
            }
        }
    }

    private HashSet<string> ParseExactValue()
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        var (next, _) = Lookahead(Context.Values);
        if (next is Token.EndOfString or Token.Comma)
        {
            values.Add("");
            return values;
        }
        var (token, literal) = Consume(Context.Values);
        if (token != Token.Identifier)
        {
            throw new FormatException($"found '{literal}', expected: identifier");
        }
        values.Add(literal);
        return values;
    }

    private (Token Token, string Literal) Lookahead(Context context) => InContext(_items[_position], context);

    private (Token Token, string Literal) Consume(Context context) => InContext(_items[_position++], context);

    // Where values are expected, "in" and "notin" are plain words: "x in (in)" is legal.
    private static (Token Token, string Literal) InContext((Token Token, string Literal) item, Context context) =>
        context == Context.Values && item.Token is Token.In or Token.NotIn ? (Token.Identifier, item.Literal) : item;

    private static List<(Token Token, string Literal)> Lex(string text)
    {
        var items = new List<(Token, string)>();
        var position = 0;
        while (true)
        {
            while (position < text.Length && IsWhitespace(text[position]))
            {
                position++;
            }
            if (position >= text.Length)
            {
                items.Add((Token.EndOfString, ""));
                return items;
            }
            items.Add(IsSpecial(text[position]) ? ScanSymbol(text, ref position) : ScanWord(text, ref position));
        }
    }

    private static (Token, string) ScanWord(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && !IsSpecial(text[position]) && !IsWhitespace(text[position]))
        {
            position++;
        }
        var word = text[start..position];
        return word switch
        {
            "in" => (Token.In, word),
            "notin" => (Token.NotIn, word),
            _ => (Token.Identifier, word),
        };
    }

    // The longest run of operator characters that still spells an operator: "!=" is one token, "=(" is "=" then "(".
    private static (Token, string) ScanSymbol(string text, ref int position)
    {
        var start = position;
        (Token Token, string Literal)? last = null;
        while (position < text.Length && IsSpecial(text[position]))
        {
            var candidate = text[start..(position + 1)];
            if (SymbolToken(candidate) is { } token)
            {
                last = (token, candidate);
            }
            else if (last is not null)
            {
                break;
            }
            position++;
        }
        return last ?? (Token.Error, $"error expected: keyword found '{text[start..position]}'");
    }

    private static Token? SymbolToken(string symbol) => symbol switch
    {
        ")" => Token.ClosedPar,
        "," => Token.Comma,
        "!" => Token.DoesNotExist,
        "==" => Token.DoubleEquals,
        "=" => Token.Equals,
        ">" => Token.GreaterThan,
        "<" => Token.LessThan,
        "!=" => Token.NotEquals,
        "(" => Token.OpenPar,
        _ => null,
    };

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';
}
