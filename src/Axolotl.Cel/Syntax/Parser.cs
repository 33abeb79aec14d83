namespace Axolotl.Cel.Syntax;

/// <summary>
/// Recursive-descent parser for the CEL grammar (spec "Syntax"), expanding macros as it goes. Operators become
/// <see cref="CallExpr"/>s named after the operator ("+", "&&", "[]", "?:", "-_" for negation, "!_" for not).
/// </summary>
internal sealed class Parser
{
    // Bounds the tree's depth so a hostile expression cannot overflow the stack of the checker or the interpreter
    // (cel-go limits recursion too). Operator chains such as a+b+c and a.b.c count one level per link.
    internal const int MaxDepth = 250;

    private static readonly HashSet<string> Reserved =
    [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while",
    ];

    private readonly List<Token> _tokens;
    private int _i;
    private int _depth;

    private readonly bool _allMacros;

    private Parser(List<Token> tokens, bool allMacros)
    {
        _tokens = tokens;
        _allMacros = allMacros;
    }

    /// <param name="allMacros">False for the standard macros only (see <see cref="Macros.Member"/>).</param>
    public static Expr Parse(string source, bool allMacros = true)
    {
        var parser = new Parser(new Lexer(source).Tokenize(), allMacros);
        var expr = parser.Expression();
        if (parser.Peek.Kind != TokenKind.End)
        {
            throw parser.Unexpected();
        }

        return expr;
    }

    private Token Peek => _tokens[_i];

    private bool IsPunct(string p) => Peek.Kind == TokenKind.Punct && Peek.Text == p;

    private bool Accept(string p)
    {
        if (!IsPunct(p))
        {
            return false;
        }

        _i++;
        return true;
    }

    private Token Expect(string p) => IsPunct(p) ? _tokens[_i++] : throw Unexpected();

    private CelSyntaxException Unexpected() =>
        Peek.Kind == TokenKind.End
            ? new CelSyntaxException("Syntax error: mismatched input '<EOF>'", Peek.Position)
            : new CelSyntaxException($"Syntax error: extraneous input '{Peek.Text}'", Peek.Position);

    private Expr Expression()
    {
        if (++_depth > MaxDepth)
        {
            throw new CelSyntaxException($"expression recursion limit exceeded: {MaxDepth}", Peek.Position);
        }

        try
        {
            var cond = Or();
            if (!IsPunct("?"))
            {
                return cond;
            }

            var pos = _tokens[_i++].Position;
            var then = Or();
            Expect(":");
            var otherwise = Expression();
            return new CallExpr(null, "?:", [cond, then, otherwise], pos);
        }
        finally
        {
            _depth--;
        }
    }

    private Expr Or() => LeftAssoc(And, "||");

    private Expr And() => LeftAssoc(Relation, "&&");

    private Expr LeftAssoc(Func<Expr> next, params string[] ops)
    {
        var left = next();
        var links = 0;
        while (Peek.Kind == TokenKind.Punct && ops.Contains(Peek.Text))
        {
            var op = _tokens[_i++];
            Link(ref links, op.Position);
            left = new CallExpr(null, op.Text, [left, next()], op.Position);
        }

        _depth -= links;
        return left;
    }

    private Expr Relation()
    {
        var left = Addition();
        var links = 0;
        while ((Peek.Kind == TokenKind.Punct && Peek.Text is "<" or "<=" or ">" or ">=" or "==" or "!=")
               || (Peek.Kind == TokenKind.Ident && Peek.Text == "in"))
        {
            var op = _tokens[_i++];
            Link(ref links, op.Position);
            left = new CallExpr(null, op.Text, [left, Addition()], op.Position);
        }

        _depth -= links;
        return left;
    }

    private Expr Addition() => LeftAssoc(Multiplication, "+", "-");

    private Expr Multiplication() => LeftAssoc(Unary, "*", "/", "%");

    private Expr Unary()
    {
        var t = Peek;
        if (Accept("!"))
        {
            return Nested(() => new CallExpr(null, "!_", [Unary()], t.Position));
        }

        if (Accept("-"))
        {
            // Fold "-<int literal>" so the most negative int64 is writable.
            if (Peek.Kind is TokenKind.Int && _tokens[_i + 1] is not { Kind: TokenKind.Punct, Text: "." or "[" })
            {
                var lit = _tokens[_i++];
                var magnitude = (ulong)lit.Value!;
                return Postfix(new LiteralExpr(magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude, t.Position));
            }

            if (Peek.Kind is TokenKind.Double && _tokens[_i + 1] is not { Kind: TokenKind.Punct, Text: "." or "[" })
            {
                return Postfix(new LiteralExpr(-(double)_tokens[_i++].Value!, t.Position));
            }

            return Nested(() => new CallExpr(null, "-_", [Unary()], t.Position));
        }

        return Postfix(Primary());
    }

    private Expr Nested(Func<Expr> parse)
    {
        if (++_depth > MaxDepth)
        {
            throw new CelSyntaxException($"expression recursion limit exceeded: {MaxDepth}", Peek.Position);
        }

        try
        {
            return parse();
        }
        finally
        {
            _depth--;
        }
    }

    // One more level of tree for a chained operator; the caller gives the levels back when the chain ends.
    private void Link(ref int links, int position)
    {
        links++;
        if (++_depth > MaxDepth)
        {
            throw new CelSyntaxException($"expression recursion limit exceeded: {MaxDepth}", position);
        }
    }

    private Expr Postfix(Expr e)
    {
        var links = 0;
        try
        {
            return PostfixChain(e, ref links);
        }
        finally
        {
            _depth -= links;
        }
    }

    private Expr PostfixChain(Expr e, ref int links)
    {
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.Punct && t.Text is "." or ".?" or "[" or "[?")
            {
                Link(ref links, t.Position);
            }

            if (Accept(".") || Accept(".?"))
            {
                var optional = t.Text == ".?";
                var name = Peek.Kind == TokenKind.Ident ? (string)_tokens[_i++].Value! : throw Unexpected();
                if (!optional && !_tokens[_i - 1].Text.StartsWith('`') && IsPunct("("))
                {
                    var open = Expect("(");
                    e = Macros.Member(e, name, Args(), open.Position, _allMacros);
                }
                else
                {
                    e = new SelectExpr(e, name, optional, false, t.Position);
                }
            }
            else if (Accept("[") || Accept("[?"))
            {
                var index = Expression();
                Expect("]");
                e = new CallExpr(null, t.Text == "[" ? "[]" : "[?]", [e, index], t.Position);
            }
            else
            {
                return e;
            }
        }
    }

    private List<Expr> Args()
    {
        var args = new List<Expr>();
        if (Accept(")"))
        {
            return args;
        }

        do
        {
            args.Add(Expression());
        }
        while (Accept(","));
        Expect(")");
        return args;
    }

    private Expr Primary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Int:
                _i++;
                var v = (ulong)t.Value!;
                return v > long.MaxValue ? throw new CelSyntaxException("invalid int literal", t.Position) : new LiteralExpr((long)v, t.Position);
            case TokenKind.Uint or TokenKind.Double or TokenKind.String:
                _i++;
                return new LiteralExpr(t.Value!, t.Position);
            case TokenKind.Bytes:
                _i++;
                return new LiteralExpr(new Values.CelBytes((byte[])t.Value!), t.Position);
            case TokenKind.Ident:
                return Identifier();
        }

        if (Accept("."))
        {
            // A leading dot names the root scope; we have no containers, so ".x" means "x".
            return Identifier();
        }

        if (Accept("("))
        {
            var inner = Expression();
            Expect(")");
            return inner;
        }

        if (Accept("["))
        {
            return List(t.Position, firstOptional: false);
        }

        if (Accept("[?"))
        {
            // The lexer reads "[?" as the optional-index token; at the start of a literal it opens a list whose first element is optional.
            return List(t.Position, firstOptional: true);
        }

        if (Accept("{"))
        {
            return Map(t.Position);
        }

        throw Unexpected();
    }

    private Expr Identifier()
    {
        var t = Peek.Kind == TokenKind.Ident && !Peek.Text.StartsWith('`') ? _tokens[_i++] : throw Unexpected();
        switch (t.Text)
        {
            case "true": return new LiteralExpr(true, t.Position);
            case "false": return new LiteralExpr(false, t.Position);
            case "null": return new LiteralExpr(Values.CelNull.Value, t.Position);
            case "in":
                throw new CelSyntaxException("Syntax error: extraneous input 'in'", t.Position);
        }

        if (Reserved.Contains(t.Text))
        {
            throw new CelSyntaxException($"reserved identifier: {t.Text}", t.Position);
        }

        if (IsPunct("("))
        {
            // cel-go places a call at its parenthesis, so that is where its errors point.
            var open = Expect("(");
            return Macros.Global(t.Text, Args(), open.Position);
        }

        if (IsPunct("{"))
        {
            throw new CelSyntaxException($"message construction is not supported: {t.Text}{{...}}", t.Position);
        }

        return new IdentExpr(t.Text, t.Position);
    }

    private ListExpr List(int pos, bool firstOptional)
    {
        var items = new List<Expr>();
        var optional = new List<bool>();
        while (firstOptional || !IsPunct("]"))
        {
            optional.Add(firstOptional || Accept("?"));
            firstOptional = false;
            items.Add(Expression());
            if (!Accept(","))
            {
                break;
            }
        }

        Expect("]");
        return new ListExpr(items, optional, pos);
    }

    private MapExpr Map(int pos)
    {
        var entries = new List<MapEntry>();
        while (!IsPunct("}"))
        {
            var optional = Accept("?");
            var key = Expression();
            Expect(":");
            entries.Add(new MapEntry(key, Expression(), optional));
            if (!Accept(","))
            {
                break;
            }
        }

        Expect("}");
        return new MapExpr(entries, pos);
    }
}
