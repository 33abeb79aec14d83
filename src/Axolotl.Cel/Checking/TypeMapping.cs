using Axolotl.Cel.Types;

namespace Axolotl.Cel.Checking;

/// <summary>
/// The substitutions of type parameters found so far while checking one expression, and the assignability test that
/// extends them, with cel-go's rules: <c>dyn</c> takes and gives anything; <c>null</c> goes where an object, an optional,
/// a timestamp or a duration may; lists, maps and opaque types compare their parameters; a parameter binds to the first
/// type it meets and widens to the more general of two.
/// </summary>
internal sealed class TypeMapping
{
    private readonly Dictionary<string, CelDeclType> _bound;

    public TypeMapping() => _bound = new(StringComparer.Ordinal);

    private TypeMapping(Dictionary<string, CelDeclType> bound) => _bound = new(bound, StringComparer.Ordinal);

    /// <summary>Whether a value of <paramref name="from"/> can be used where <paramref name="to"/> is expected; binds parameters only when it can.</summary>
    public bool TryAssign(CelDeclType to, CelDeclType from)
    {
        var trial = new TypeMapping(_bound);
        if (!trial.Assignable(to, from))
        {
            return false;
        }
        Adopt(trial);
        return true;
    }

    /// <summary>The same for lists of types, position by position.</summary>
    public bool TryAssign(IReadOnlyList<CelDeclType> to, IReadOnlyList<CelDeclType> from)
    {
        var trial = new TypeMapping(_bound);
        if (!trial.AssignableList(to, from))
        {
            return false;
        }
        Adopt(trial);
        return true;
    }

    /// <summary>The type with every bound parameter replaced; unbound ones become dyn when <paramref name="paramsToDyn"/>.</summary>
    public CelDeclType Substitute(CelDeclType t, bool paramsToDyn)
    {
        if (t.Kind == TypeKind.TypeParam && _bound.TryGetValue(t.Name, out var bound))
        {
            return Substitute(bound, paramsToDyn);
        }
        return t.Kind switch
        {
            TypeKind.TypeParam when paramsToDyn => CelDeclType.Dyn,
            TypeKind.List => CelDeclType.List(Substitute(t.Parameters[0], paramsToDyn)),
            TypeKind.Map => CelDeclType.Map(Substitute(t.Parameters[0], paramsToDyn), Substitute(t.Parameters[1], paramsToDyn)),
            TypeKind.Opaque when t.Parameters.Count > 0 => CelDeclType.Opaque(t.Name, [.. t.Parameters.Select(p => Substitute(p, paramsToDyn))]),
            TypeKind.Type when t.Parameters.Count > 0 => CelDeclType.TypeOf(Substitute(t.Parameters[0], paramsToDyn)),
            _ => t,
        };
    }

    /// <summary>Of two assignable types, the one that says less (dyn and parameters over concrete types).</summary>
    public static CelDeclType MostGeneral(CelDeclType a, CelDeclType b) => EqualOrLessSpecific(a, b) ? a : b;

    private void Adopt(TypeMapping trial)
    {
        _bound.Clear();
        foreach (var (k, v) in trial._bound)
        {
            _bound[k] = v;
        }
    }

    private bool Assignable(CelDeclType to, CelDeclType from)
    {
        if (from.Kind == TypeKind.TypeParam)
        {
            var (valid, hadBinding) = Bind(to, from);
            if (valid)
            {
                return true;
            }
            if (hadBinding)
            {
                return false;
            }
        }
        if (to.Kind == TypeKind.TypeParam)
        {
            return Bind(from, to).Valid;
        }
        if (IsDynOrError(to) || IsDynOrError(from))
        {
            return true;
        }
        if (to.Kind == TypeKind.Null)
        {
            return NullableKind(from);
        }
        if (from.Kind == TypeKind.Null)
        {
            return NullableKind(to);
        }
        return to.Kind switch
        {
            TypeKind.Type => from.Kind == TypeKind.Type,
            TypeKind.Opaque or TypeKind.List or TypeKind.Map =>
                to.Kind == from.Kind && to.Name == from.Name && AssignableList(to.Parameters, from.Parameters),
            _ => to.Kind == from.Kind && to.Name == from.Name,
        };
    }

    private bool AssignableList(IReadOnlyList<CelDeclType> to, IReadOnlyList<CelDeclType> from)
    {
        if (to.Count != from.Count)
        {
            return false;
        }
        for (var i = 0; i < to.Count; i++)
        {
            if (!Assignable(to[i], from[i]))
            {
                return false;
            }
        }
        return true;
    }

    // Whether param can stand for t: binds it when free, widens its binding when t is compatible with it.
    private (bool Valid, bool HadBinding) Bind(CelDeclType t, CelDeclType param)
    {
        if (t.Kind == param.Kind && t.IsExactly(param))
        {
            return (true, true);
        }
        if (_bound.TryGetValue(param.Name, out var current))
        {
            if (t.Kind == current.Kind && t.IsExactly(current))
            {
                return (true, true);
            }
            if (Assignable(t, current))
            {
                var widened = MostGeneral(t, current);
                if (NotReferencedIn(param, widened))
                {
                    _bound[param.Name] = widened;
                }
                return (true, true);
            }
            return (false, true);
        }
        if (NotReferencedIn(param, t))
        {
            _bound[param.Name] = t;
            return (true, false);
        }
        return (false, false);
    }

    private bool NotReferencedIn(CelDeclType param, CelDeclType within)
    {
        if (param.IsExactly(within))
        {
            return false;
        }
        return within.Kind switch
        {
            TypeKind.TypeParam => !_bound.TryGetValue(within.Name, out var sub) || NotReferencedIn(param, sub),
            TypeKind.Opaque or TypeKind.List or TypeKind.Map or TypeKind.Type => within.Parameters.All(p => NotReferencedIn(param, p)),
            _ => true,
        };
    }

    private static bool EqualOrLessSpecific(CelDeclType a, CelDeclType b)
    {
        if (a.IsDyn || a.Kind == TypeKind.TypeParam)
        {
            return true;
        }
        if (b.IsDyn || b.Kind == TypeKind.TypeParam || a.Kind != b.Kind)
        {
            return false;
        }
        return a.Kind switch
        {
            TypeKind.Opaque => a.Name == b.Name && a.Parameters.Count == b.Parameters.Count
                && a.Parameters.Zip(b.Parameters).All(p => EqualOrLessSpecific(p.First, p.Second)),
            TypeKind.List => EqualOrLessSpecific(a.Parameters[0], b.Parameters[0]),
            TypeKind.Map => EqualOrLessSpecific(a.Parameters[0], b.Parameters[0]) && EqualOrLessSpecific(a.Parameters[1], b.Parameters[1]),
            TypeKind.Type => true,
            _ => a.IsExactly(b),
        };
    }

    internal static bool IsDynOrError(CelDeclType t) => t.Kind is TypeKind.Dyn or TypeKind.Error;

    // cel-go lets null stand for messages, optionals, timestamps and durations (its "legacy nullable" kinds).
    private static bool NullableKind(CelDeclType t) => t.Kind is TypeKind.Object or TypeKind.Opaque or TypeKind.Duration or TypeKind.Timestamp or TypeKind.Null;
}
