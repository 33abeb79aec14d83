using System.Globalization;
using System.Text;

namespace Axolotl.Cel.Syntax;

/// <summary>Splits CEL source into tokens and decodes literals (escapes, raw and byte strings) as the spec's lexis says.</summary>
internal sealed class Lexer(string source)
{
    private static readonly string[] Puncts = ["&&", "||", "==", "!=", "<=", ">=", ".?", "[?", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"];
    private readonly string _s = source;
    private int _p;

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            SkipSpaceAndComments();
            if (_p >= _s.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", null, _p));
                return tokens;
            }

            tokens.Add(Next());
        }
    }

    private void SkipSpaceAndComments()
    {
        while (_p < _s.Length)
        {
            if (char.IsWhiteSpace(_s[_p]))
            {
                _p++;
            }
            else if (_s[_p] == '/' && _p + 1 < _s.Length && _s[_p + 1] == '/')
            {
                while (_p < _s.Length && _s[_p] != '\n')
                {
                    _p++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private Token Next()
    {
        var start = _p;
        var c = _s[_p];
        if (char.IsAsciiDigit(c) || (c == '.' && _p + 1 < _s.Length && char.IsAsciiDigit(_s[_p + 1])))
        {
            return Number(start);
        }

        if (c == '`')
        {
            var end = _s.IndexOf('`', _p + 1);
            if (end < 0)
            {
                throw new CelSyntaxException("unterminated quoted identifier", start);
            }

            _p = end + 1;
            return new Token(TokenKind.Ident, _s[start.._p], _s[(start + 1)..end], start);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            while (_p < _s.Length && (char.IsAsciiLetterOrDigit(_s[_p]) || _s[_p] == '_'))
            {
                _p++;
            }

            var word = _s[start.._p];
            var lower = word.ToLowerInvariant();
            if (_p < _s.Length && (_s[_p] == '"' || _s[_p] == '\'') && lower is "r" or "b" or "rb" or "br")
            {
                return Quoted(start, raw: lower.Contains('r'), bytes: lower.Contains('b'));
            }

            return new Token(TokenKind.Ident, word, word, start);
        }

        if (c is '"' or '\'')
        {
            return Quoted(start, raw: false, bytes: false);
        }

        foreach (var p in Puncts)
        {
            if (string.CompareOrdinal(_s, _p, p, 0, p.Length) == 0)
            {
                _p += p.Length;
                return new Token(TokenKind.Punct, p, null, start);
            }
        }

        throw new CelSyntaxException($"Syntax error: token recognition error at: '{c}'", start);
    }

    private Token Number(int start)
    {
        if (_s[_p] == '0' && _p + 1 < _s.Length && (_s[_p + 1] is 'x' or 'X'))
        {
            _p += 2;
            var hexStart = _p;
            while (_p < _s.Length && char.IsAsciiHexDigit(_s[_p]))
            {
                _p++;
            }

            var hex = _s[hexStart.._p];
            if (_p < _s.Length && _s[_p] is 'u' or 'U')
            {
                _p++;
                return ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hu)
                    ? new Token(TokenKind.Uint, _s[start.._p], hu, start)
                    : throw new CelSyntaxException("invalid uint literal", start);
            }

            return ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hv) && hv <= (ulong)long.MaxValue + 1
                ? new Token(TokenKind.Int, _s[start.._p], hv, start)
                : throw new CelSyntaxException("invalid int literal", start);
        }

        var isDouble = false;
        while (_p < _s.Length && char.IsAsciiDigit(_s[_p]))
        {
            _p++;
        }

        if (_p + 1 < _s.Length && _s[_p] == '.' && char.IsAsciiDigit(_s[_p + 1]))
        {
            isDouble = true;
            _p++;
            while (_p < _s.Length && char.IsAsciiDigit(_s[_p]))
            {
                _p++;
            }
        }

        if (_p < _s.Length && _s[_p] is 'e' or 'E')
        {
            var save = _p;
            _p++;
            if (_p < _s.Length && _s[_p] is '+' or '-')
            {
                _p++;
            }

            if (_p < _s.Length && char.IsAsciiDigit(_s[_p]))
            {
                isDouble = true;
                while (_p < _s.Length && char.IsAsciiDigit(_s[_p]))
                {
                    _p++;
                }
            }
            else
            {
                _p = save;
            }
        }

        var text = _s[start.._p];
        if (isDouble)
        {
            return new Token(TokenKind.Double, text, double.Parse(text, CultureInfo.InvariantCulture), start);
        }

        if (_p < _s.Length && _s[_p] is 'u' or 'U')
        {
            _p++;
            return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u)
                ? new Token(TokenKind.Uint, _s[start.._p], u, start)
                : throw new CelSyntaxException("invalid uint literal", start);
        }

        // Kept as ulong so that "-9223372036854775808" can be negated by the parser.
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= (ulong)long.MaxValue + 1
            ? new Token(TokenKind.Int, text, v, start)
            : throw new CelSyntaxException("invalid int literal", start);
    }

    private Token Quoted(int start, bool raw, bool bytes)
    {
        var q = _s[_p];
        var triple = _p + 2 < _s.Length && _s[_p + 1] == q && _s[_p + 2] == q;
        var delim = triple ? new string(q, 3) : q.ToString();
        _p += delim.Length;
        var buf = new List<byte>();
        while (true)
        {
            if (_p >= _s.Length)
            {
                throw new CelSyntaxException("Syntax error: unterminated string literal", start);
            }

            if (string.CompareOrdinal(_s, _p, delim, 0, delim.Length) == 0)
            {
                _p += delim.Length;
                break;
            }

            var c = _s[_p];
            if (!triple && c is '\n' or '\r')
            {
                throw new CelSyntaxException("Syntax error: newline in string literal", start);
            }

            if (c == '\\' && !raw)
            {
                Escape(buf, bytes, start);
                continue;
            }

            var len = char.IsHighSurrogate(c) && _p + 1 < _s.Length ? 2 : 1;
            buf.AddRange(Encoding.UTF8.GetBytes(_s.Substring(_p, len)));
            _p += len;
        }

        var data = buf.ToArray();
        if (bytes)
        {
            return new Token(TokenKind.Bytes, _s[start.._p], data, start);
        }

        try
        {
            return new Token(TokenKind.String, _s[start.._p], new UTF8Encoding(false, true).GetString(data), start);
        }
        catch (DecoderFallbackException)
        {
            throw new CelSyntaxException("Syntax error: invalid UTF-8 in string literal", start);
        }
    }

    private void Escape(List<byte> buf, bool bytes, int start)
    {
        _p++;
        if (_p >= _s.Length)
        {
            throw new CelSyntaxException("Syntax error: unterminated escape", start);
        }

        var e = _s[_p++];
        switch (e)
        {
            case 'a': buf.Add(7); return;
            case 'b': buf.Add(8); return;
            case 'f': buf.Add(12); return;
            case 'n': buf.Add(10); return;
            case 'r': buf.Add(13); return;
            case 't': buf.Add(9); return;
            case 'v': buf.Add(11); return;
            case '\\' or '\'' or '"' or '`' or '?': buf.Add((byte)e); return;
            case 'x' or 'X': Code(buf, bytes, Digits(2, 16, start), start); return;
            case 'u' when !bytes: Code(buf, false, Digits(4, 16, start), start); return;
            case 'U' when !bytes: Code(buf, false, Digits(8, 16, start), start); return;
            case >= '0' and <= '3':
                _p--;
                Code(buf, bytes, Digits(3, 8, start), start);
                return;
            default:
                throw new CelSyntaxException($"Syntax error: invalid escape sequence \\{e}", start);
        }
    }

    private int Digits(int n, int radix, int start)
    {
        if (_p + n > _s.Length)
        {
            throw new CelSyntaxException("Syntax error: short escape sequence", start);
        }

        var text = _s.Substring(_p, n);
        _p += n;
        try
        {
            return Convert.ToInt32(text, radix);
        }
        catch (FormatException)
        {
            throw new CelSyntaxException("Syntax error: invalid escape sequence", start);
        }
    }

    // In bytes literals an escape is one byte; in strings it is a code point written as UTF-8.
    private static void Code(List<byte> buf, bool bytes, int value, int start)
    {
        if (bytes)
        {
            buf.Add((byte)value);
            return;
        }

        if (value is >= 0xD800 and <= 0xDFFF or > 0x10FFFF)
        {
            throw new CelSyntaxException("Syntax error: invalid code point in escape", start);
        }

        buf.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(value)));
    }
}
