using Axolotl.Cel.Syntax;
using Axolotl.Cel.Types;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Checking;

/// <summary>
/// cel-go's type checker over our tree: infers every node's type bottom-up from the declared variables, resolves each
/// call against the declared overloads (<see cref="Signatures"/>), binding type parameters as it goes, and reports
/// cel-go's messages ("found no matching overload for '_+_' applied to '(int, string)'", "undefined field 'x'",
/// "undeclared reference to 'x' (in container '')"). <c>dyn</c> is accepted wherever a type is expected, so whatever the
/// declarations do not know is checked when it runs. Qualified calls such as <c>optional.of(x)</c> become global calls
/// and qualified type names literals. All errors are collected, as cel-go reports them all.
/// </summary>
internal sealed class Checker(IReadOnlyDictionary<string, CelDeclType> declared)
{
    private readonly TypeMapping _mapping = new();
    private readonly List<(int, string)> _errors = [];
    private readonly Dictionary<string, CelDeclType> _locals = new(StringComparer.Ordinal);
    private readonly Dictionary<Expr, CelDeclType> _types = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Expr, IReadOnlyList<Overload>> _overloads = new(ReferenceEqualityComparer.Instance);
    private int _freeVars;
    private int _insideFormat;

    /// <summary>The checked tree with every node's type and every call's overloads; throws <see cref="CelCheckException"/> with every error found.</summary>
    public CheckedAst Check(Expr e)
    {
        var (tree, _) = Visit(e);
        if (_errors.Count > 0)
        {
            throw new CelCheckException([.. _errors.OrderBy(x => x.Item1)]);
        }
        // As cel-go, the type parameters still unbound when checking ends are dyn in the types it records.
        var types = new Dictionary<Expr, CelDeclType>(_types.Count, ReferenceEqualityComparer.Instance);
        foreach (var (node, type) in _types)
        {
            types[node] = _mapping.Substitute(type, paramsToDyn: true);
        }
        return new CheckedAst(tree, types, _overloads);
    }

    private (Expr, CelDeclType) Visit(Expr e)
    {
        var (node, type) = VisitNode(e);
        _types[node] = type;
        return (node, type);
    }

    private (Expr, CelDeclType) VisitNode(Expr e)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (e)
        {
            case LiteralExpr l:
                return (e, LiteralType(l.Value));
            case IdentExpr id:
                return (e, Ident(id));
            case SelectExpr s:
                return Select(s);
            case CallExpr c:
                return Call(c);
            case ListExpr l:
                return List(l);
            case MapExpr m:
                return Map(m);
            case ComprehensionExpr c:
                return Comprehension(c);
            case OptMapExpr o:
                return OptMap(o);
            case BindExpr b:
                var (init, initType) = Visit(b.Init);
                var (body, bodyType) = Scoped(b.Name, initType, () => Visit(b.Body));
                return (b with { Init = init, Body = body }, bodyType);
            default:
                throw new CelSyntaxException($"unsupported expression {e.GetType().Name}", e.Position);
        }
    }

    private static CelDeclType LiteralType(object value) => value switch
    {
        bool => CelDeclType.Bool,
        long => CelDeclType.Int,
        ulong => CelDeclType.Uint,
        double => CelDeclType.Double,
        string => CelDeclType.String,
        CelBytes => CelDeclType.Bytes,
        CelNull => CelDeclType.Null,
        CelType t => CelDeclType.TypeOf(TypeNamed(t.Name)),
        _ => CelDeclType.Dyn,
    };

    // What a type identifier such as `int` or `google.protobuf.Duration` denotes, as the parameter of its type(...).
    private static CelDeclType? TypeNamed(string name) => name switch
    {
        "int" => CelDeclType.Int,
        "uint" => CelDeclType.Uint,
        "double" => CelDeclType.Double,
        "string" => CelDeclType.String,
        "bytes" => CelDeclType.Bytes,
        "bool" => CelDeclType.Bool,
        "null_type" => CelDeclType.Null,
        "list" => CelDeclType.List(CelDeclType.Dyn),
        "map" => CelDeclType.Map(CelDeclType.Dyn, CelDeclType.Dyn),
        "google.protobuf.Timestamp" => CelDeclType.Timestamp,
        "google.protobuf.Duration" => CelDeclType.Duration,
        "optional_type" => CelDeclType.Optional(CelDeclType.Dyn),
        _ => null,
    };

    private CelDeclType Ident(IdentExpr id)
    {
        if (_locals.TryGetValue(id.Name, out var local) || declared.TryGetValue(id.Name, out local))
        {
            return local;
        }
        if (CelType.ByName.TryGetValue(id.Name, out var type))
        {
            return CelDeclType.TypeOf(TypeNamed(type.Name));
        }
        return Fail(id.Position, $"undeclared reference to '{id.Name}' (in container '')");
    }

    private (Expr, CelDeclType) Select(SelectExpr s)
    {
        if (!s.TestOnly && QualifiedName(s) is { } qn && CelType.ByName.TryGetValue(qn, out var typeValue))
        {
            return (new LiteralExpr(typeValue, s.Position), CelDeclType.TypeOf(TypeNamed(typeValue.Name)));
        }
        var (operand, operandType) = Visit(s.Operand);
        var result = SelectField(s.Position, operandType, s.Field, s.Optional);
        return (s with { Operand = operand }, s.TestOnly ? CelDeclType.Bool : result);
    }

    private CelDeclType SelectField(int position, CelDeclType operandType, string field, bool optional)
    {
        var isOptional = _mapping.Substitute(operandType, false).IsOptional(out var target);
        CelDeclType result;
        switch (target.Kind)
        {
            case TypeKind.Map:
                result = target.Parameters[1];
                break;
            case TypeKind.Object:
                result = target.Fields!.TryGetValue(field, out var fieldType) || target.Fields.TryGetValue($"__{field}__", out fieldType)
                    ? fieldType
                    : Fail(position, $"undefined field '{field}'");
                break;
            case TypeKind.TypeParam:
                _mapping.TryAssign(CelDeclType.Dyn, target);
                result = CelDeclType.Dyn;
                break;
            default:
                if (!TypeMapping.IsDynOrError(target))
                {
                    Fail(position, $"type '{target}' does not support field selection");
                }
                result = CelDeclType.Dyn;
                break;
        }
        return isOptional || optional ? CelDeclType.Optional(result) : result;
    }

    private (Expr, CelDeclType) Call(CallExpr c)
    {
        if (c.Target is not null && QualifiedName(c.Target) is { } ns && Signatures.Of(ns + "." + c.Function).Count > 0)
        {
            // optional.of(x), strings.quote(s): a namespaced global function, not a member call on a variable.
            return Call(new CallExpr(null, ns + "." + c.Function, c.Args, c.Position));
        }

        // Literals anywhere inside format's receiver and arguments may mix types (cel-go's exempt functions).
        var format = c.Function == "format";
        _insideFormat += format ? 1 : 0;
        // The receiver first: cel-go reports errors in source order.
        var (target, targetType) = c.Target is null ? (null, null) : Visit(c.Target);
        var args = new List<Expr>(c.Args.Count);
        var types = new List<CelDeclType>(c.Args.Count + 1);
        if (targetType is not null)
        {
            types.Add(targetType);
        }
        foreach (var a in c.Args)
        {
            var (arg, type) = Visit(a);
            args.Add(arg);
            types.Add(type);
        }
        _insideFormat -= format ? 1 : 0;
        var checkedCall = c with { Target = target, Args = args };

        if (c.Target is null && c.Function is "&&" or "||")
        {
            for (var i = 0; i < types.Count; i++)
            {
                if (!_mapping.TryAssign(types[i], CelDeclType.Bool))
                {
                    Fail(c.Args[i].Position, $"expected type 'bool' but found '{_mapping.Substitute(types[i], true)}'");
                }
            }
            return (checkedCall, CelDeclType.Bool);
        }

        var name = c.Function == "?:" ? "_?_:_" : c.Function;
        var overloads = c.Function == "?:" ? Conditional : Signatures.Of(c.Function);
        if (overloads.Count == 0)
        {
            return (checkedCall, Fail(c.Position, $"undeclared reference to '{c.Function}' (in container '')"));
        }
        // A function called the other way (`'a'.quantity()`) is a missing overload, as in cel-go, not an unknown name.
        var matched = new List<Overload>();
        var result = Resolve(c.Position, name, overloads, c.Target is not null, types, matched);
        _overloads[checkedCall] = matched;
        if (format && matched.Count > 0)
        {
            FormatCallCheck.Check(checkedCall, e => _mapping.Substitute(_types[e], true), Fail);
        }
        return (checkedCall, result);
    }

    private static readonly IReadOnlyList<Overload> Conditional = [new(false, [CelDeclType.Bool, Signatures.A, Signatures.A], Signatures.A)];

    /// <summary>cel-go's resolveOverload: every overload whose parameters accept the arguments; one result type, or dyn when they disagree.</summary>
    private CelDeclType Resolve(int position, string function, IReadOnlyList<Overload> overloads, bool member, List<CelDeclType> argTypes, List<Overload> matched)
    {
        CelDeclType? result = null;
        foreach (var overload in overloads)
        {
            if (overload.Member != member || overload.Args.Count != argTypes.Count)
            {
                continue;
            }
            var fresh = FreshParameters();
            var parameters = overload.Args.Select(fresh).ToList();
            if (!_mapping.TryAssign(argTypes, parameters))
            {
                continue;
            }
            matched.Add(overload);
            var type = _mapping.Substitute(fresh(overload.Result), false);
            result = result is null ? type : result.IsDyn || type.IsExactly(result) ? result : CelDeclType.Dyn;
        }
        if (result is not null)
        {
            return result;
        }
        var shown = argTypes.Select(t => _mapping.Substitute(t, true).ToString()).ToList();
        var signature = member ? $"{shown[0]}.({string.Join(", ", shown.Skip(1))})" : $"({string.Join(", ", shown)})";
        return Fail(position, $"found no matching overload for '{Signatures.DisplayName(function)}' applied to '{signature}'");
    }

    // Each use of an overload gets its own type variables for A and B, as cel-go's newTypeVar.
    private Func<CelDeclType, CelDeclType> FreshParameters()
    {
        var a = NewTypeVar();
        var b = NewTypeVar();
        CelDeclType Replace(CelDeclType t) => t.Kind switch
        {
            TypeKind.TypeParam => t.Name == "A" ? a : t.Name == "B" ? b : t,
            TypeKind.List => CelDeclType.List(Replace(t.Parameters[0])),
            TypeKind.Map => CelDeclType.Map(Replace(t.Parameters[0]), Replace(t.Parameters[1])),
            TypeKind.Opaque when t.Parameters.Count > 0 => CelDeclType.Opaque(t.Name, [.. t.Parameters.Select(Replace)]),
            TypeKind.Type when t.Parameters.Count > 0 => CelDeclType.TypeOf(Replace(t.Parameters[0])),
            _ => t,
        };
        return Replace;
    }

    private CelDeclType NewTypeVar() => CelDeclType.TypeParam($"_var{_freeVars++}");

    private (Expr, CelDeclType) List(ListExpr l)
    {
        CelDeclType? element = null;
        var items = new List<Expr>(l.Elements.Count);
        for (var i = 0; i < l.Elements.Count; i++)
        {
            var (item, type) = Visit(l.Elements[i]);
            items.Add(item);
            if (l.Optional[i])
            {
                type = UnwrapOptional(l.Elements[i].Position, type);
            }
            element = Join(l.Elements[i].Position, element, type);
        }
        return (l with { Elements = items }, CelDeclType.List(element ?? NewTypeVar()));
    }

    private (Expr, CelDeclType) Map(MapExpr m)
    {
        CelDeclType? key = null;
        CelDeclType? value = null;
        var entries = new List<MapEntry>(m.Entries.Count);
        foreach (var entry in m.Entries)
        {
            var (k, keyType) = Visit(entry.Key);
            key = Join(entry.Key.Position, key, keyType);
            var (v, valueType) = Visit(entry.Value);
            if (entry.Optional)
            {
                valueType = UnwrapOptional(entry.Value.Position, valueType);
            }
            value = Join(entry.Value.Position, value, valueType);
            entries.Add(entry with { Key = k, Value = v });
        }
        return (m with { Entries = entries }, CelDeclType.Map(key ?? NewTypeVar(), value ?? NewTypeVar()));
    }

    private CelDeclType UnwrapOptional(int position, CelDeclType type)
    {
        if (!type.IsOptional(out var inner) && !type.IsDyn)
        {
            Fail(position, $"expected type '{CelDeclType.Optional(type)}' but found '{type}'");
        }
        return inner;
    }

    // Kubernetes enables HomogeneousAggregateLiterals: every element of a literal list or map has one type.
    private CelDeclType Join(int position, CelDeclType? previous, CelDeclType current)
    {
        if (previous is null)
        {
            return current;
        }
        if (_mapping.TryAssign(previous, current))
        {
            return TypeMapping.MostGeneral(previous, current);
        }
        if (_insideFormat > 0)
        {
            return CelDeclType.Dyn;
        }
        return Fail(position, $"expected type '{_mapping.Substitute(previous, true)}' but found '{_mapping.Substitute(current, true)}'");
    }

    private (Expr, CelDeclType) Comprehension(ComprehensionExpr c)
    {
        var (range, rawRangeType) = Visit(c.Range);
        var rangeType = _mapping.Substitute(rawRangeType, false);
        CelDeclType first, second;
        switch (rangeType.Kind)
        {
            case TypeKind.List:
                (first, second) = c.Var2 is null ? (rangeType.Parameters[0], CelDeclType.Dyn) : (CelDeclType.Int, rangeType.Parameters[0]);
                break;
            case TypeKind.Map:
                (first, second) = (rangeType.Parameters[0], rangeType.Parameters[1]);
                break;
            case TypeKind.Dyn or TypeKind.Error or TypeKind.TypeParam:
                _mapping.TryAssign(CelDeclType.Dyn, rangeType);
                (first, second) = (CelDeclType.Dyn, CelDeclType.Dyn);
                break;
            default:
                Fail(c.Range.Position, $"expression of type '{rangeType}' cannot be range of a comprehension (must be list, map, or dynamic)");
                (first, second) = (CelDeclType.Error, CelDeclType.Error);
                break;
        }

        var (predicate, predicateType, transform, transformType) = Scoped(c.Var, first, () => Scoped(c.Var2, second, () =>
        {
            var (p, pt) = Visit(c.Predicate);
            var (t, tt) = c.Transform is null ? (null, null) : Visit(c.Transform);
            return (p, pt, t, tt);
        }));
        var checkedComprehension = c with { Range = range, Predicate = predicate, Transform = transform };

        if (!_mapping.TryAssign(CelDeclType.Bool, predicateType))
        {
            // all/exists fold with && and ||; the others choose with ?: (cel-go's expansion shows through its messages).
            var found = _mapping.Substitute(predicateType, true);
            Fail(c.Kind is ComprehensionKind.All or ComprehensionKind.Exists ? c.Predicate.Position : c.Position,
                c.Kind is ComprehensionKind.All or ComprehensionKind.Exists
                    ? $"expected type 'bool' but found '{found}'"
                    : $"found no matching overload for '_?_:_' applied to '({found}, dyn, dyn)'");
        }
        var type = c.Kind switch
        {
            ComprehensionKind.All or ComprehensionKind.Exists or ComprehensionKind.ExistsOne => CelDeclType.Bool,
            ComprehensionKind.Filter => CelDeclType.List(c.Var2 is null ? first : second),
            ComprehensionKind.TransformMap => CelDeclType.Map(rangeType.Kind == TypeKind.List ? CelDeclType.Int : first, transformType!),
            _ => CelDeclType.List(transformType!),
        };
        return (checkedComprehension, type);
    }

    private (Expr, CelDeclType) OptMap(OptMapExpr o)
    {
        var (target, targetType) = Visit(o.Target);
        var resolved = _mapping.Substitute(targetType, false);
        CelDeclType inner;
        if (resolved.IsOptional(out var value))
        {
            inner = value;
        }
        else if (TypeMapping.IsDynOrError(resolved) || resolved.Kind == TypeKind.TypeParam)
        {
            inner = CelDeclType.Dyn;
        }
        else
        {
            inner = Fail(o.Position, $"found no matching overload for 'hasValue' applied to '{resolved}.()'");
        }
        var (body, bodyType) = Scoped(o.Var, inner, () => Visit(o.Body));
        var checkedMap = o with { Target = target, Body = body };
        if (!o.Flat)
        {
            return (checkedMap, CelDeclType.Optional(bodyType));
        }
        var resolvedBody = _mapping.Substitute(bodyType, false);
        return resolvedBody.IsOptional(out _) || TypeMapping.IsDynOrError(resolvedBody)
            ? (checkedMap, resolvedBody.IsDyn ? CelDeclType.Optional(CelDeclType.Dyn) : resolvedBody)
            : (checkedMap, Fail(o.Position, $"found no matching overload for '_?_:_' applied to '(bool, {resolvedBody}, optional_type(dyn))'"));
    }

    private T Scoped<T>(string? name, CelDeclType type, Func<T> body)
    {
        if (name is null)
        {
            return body();
        }
        var had = _locals.TryGetValue(name, out var saved);
        _locals[name] = type;
        try
        {
            return body();
        }
        finally
        {
            if (had)
            {
                _locals[name] = saved!;
            }
            else
            {
                _locals.Remove(name);
            }
        }
    }

    // "a.b.c" when the chain is made only of names and its root is not a variable: a namespace or a type name.
    private string? QualifiedName(Expr e) => e switch
    {
        IdentExpr id when !declared.ContainsKey(id.Name) && !_locals.ContainsKey(id.Name) => id.Name,
        SelectExpr { Optional: false, TestOnly: false } s when QualifiedName(s.Operand) is { } prefix => prefix + "." + s.Field,
        _ => null,
    };

    private CelDeclType Fail(int position, string message)
    {
        _errors.Add((position, message));
        return CelDeclType.Error;
    }
}
