using System.Text.RegularExpressions;

namespace Axolotl.Architecture.Tests;

/// <summary>
/// Which namespace of one project uses which, read from the sources: <c>using</c> directives,
/// fully qualified names, and types of an enclosing namespace used without a directive (C# makes
/// those visible implicitly, so a child that uses its parent's types depends on the parent).
/// </summary>
public sealed partial class NamespaceGraph
{
    private readonly Dictionary<string, HashSet<string>> _edges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), string> _evidence = [];

    private NamespaceGraph(IReadOnlyCollection<string> namespaces)
    {
        Namespaces = namespaces;
        foreach (var ns in namespaces)
        {
            _edges[ns] = new HashSet<string>(StringComparer.Ordinal);
        }
    }

    public IReadOnlyCollection<string> Namespaces { get; }

    public IReadOnlySet<string> Uses(string ns) => _edges[ns];

    /// <summary>Why <paramref name="from"/> depends on <paramref name="to"/>: the first file and name seen.</summary>
    public string Evidence(string from, string to) => _evidence[(from, to)];

    public static NamespaceGraph Read(string projectFolder)
    {
        var files = SourceTree.Files(projectFolder, ".cs")
            .Select(f => (File: Path.GetFileName(f), Text: File.ReadAllText(f)))
            .Select(f => (f.File, f.Text, Namespace: DeclaredNamespace(f.Text)))
            .Where(f => f.Namespace is not null)
            .Select(f => (f.File, f.Text, Namespace: f.Namespace!, Body: Comment().Replace(UsingLine().Replace(f.Text, ""), "")))
            .Select(f => (f.File, f.Text, f.Namespace, f.Body, Words: Identifier().Matches(f.Body).Select(m => m.Value).ToHashSet(StringComparer.Ordinal)))
            .ToList();
        var graph = new NamespaceGraph(files.Select(f => f.Namespace).ToHashSet(StringComparer.Ordinal));
        var types = files.GroupBy(f => f.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(f => TypeDeclaration().Matches(f.Body).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        foreach (var (file, text, ns, body, words) in files)
        {
            foreach (Match directive in UsingDirective().Matches(text))
            {
                graph.AddEdge(ns, graph.Owner(directive.Groups[1].Value), $"{file}: using {directive.Groups[1].Value}");
            }
            foreach (Match qualified in QualifiedName().Matches(body))
            {
                graph.AddEdge(ns, graph.Owner(qualified.Value), $"{file}: {qualified.Value}");
            }
            for (var ancestor = Parent(ns); ancestor is not null; ancestor = Parent(ancestor))
            {
                var used = types.TryGetValue(ancestor, out var declared)
                    ? declared.FirstOrDefault(t => !types[ns].Contains(t) && words.Contains(t))
                    : null;
                if (used is not null)
                {
                    graph.AddEdge(ns, ancestor, $"{file}: {used} (from the enclosing namespace)");
                }
            }
        }
        return graph;
    }

    /// <summary>The strongly connected groups of two or more namespaces: each is a cycle.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in _edges[v].Order(StringComparer.Ordinal))
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }
            if (low[v] != index[v])
            {
                return;
            }
            var group = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                group.Add(member);
            }
            while (member != v);
            if (group.Count > 1)
            {
                group.Sort(StringComparer.Ordinal);
                cycles.Add(group);
            }
        }

        foreach (var ns in Namespaces.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(ns))
            {
                Visit(ns);
            }
        }
        return cycles;
    }

    private void AddEdge(string from, string? to, string evidence)
    {
        if (to is not null && to != from && _edges[from].Add(to))
        {
            _evidence[(from, to)] = evidence;
        }
    }

    /// <summary>The longest namespace of this project that a dotted name starts with (a type's, a static using's).</summary>
    private string? Owner(string name)
    {
        for (var candidate = name; candidate is not null; candidate = Parent(candidate))
        {
            if (_edges.ContainsKey(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static string? Parent(string ns)
    {
        var dot = ns.LastIndexOf('.');
        return dot < 0 ? null : ns[..dot];
    }

    private static string? DeclaredNamespace(string text)
    {
        var match = NamespaceDeclaration().Match(text);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+[^(\n]*;\s*$", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"\bAxolotl(?:\.[A-Z]\w*)+")]
    private static partial Regex QualifiedName();

    /// <summary>Comments and string literals (raw, verbatim, plain): a name in one is no dependency.</summary>
    [GeneratedRegex(@"'(?:[^'\\\n]|\\.)'|\""\""\"".*?\""\""\""|@\""(?:[^\""]|\""\"")*\""|\""(?:[^\""\\\n]|\\.)*\""|//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\b[A-Za-z_]\w*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();
}
