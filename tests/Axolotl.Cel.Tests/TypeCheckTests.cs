using Axolotl.Cel.Checking;
using Axolotl.Cel.Library;
using Axolotl.Cel.Types;
using T = Axolotl.Cel.Types.CelDeclType;

namespace Axolotl.Cel.Tests;

/// <summary>The checker infers types and resolves overloads as cel-go does, with its messages; dyn stays permissive.</summary>
public sealed class TypeCheckTests
{
    // self as a CRD schema would declare it: spec.replicas int, spec.name string, spec.ports list of objects, labels a map.
    private static readonly T Port = T.Object("selfType0.spec.ports.@idx", new Dictionary<string, T> { ["name"] = T.String, ["port"] = T.Int });
    private static readonly T Spec = T.Object("selfType0.spec", new Dictionary<string, T>
    {
        ["replicas"] = T.Int,
        ["name"] = T.String,
        ["ratio"] = T.Double,
        ["ports"] = T.List(Port),
        ["labels"] = T.Map(T.String, T.String),
        ["size"] = T.Dyn,
        ["x__dash__y"] = T.String,
        ["__namespace__"] = T.String,
        ["until"] = T.Timestamp,
        ["child"] = T.Object("selfType0.spec.child", new Dictionary<string, T>()),
    });
    private static readonly T Self = T.Object("selfType0", new Dictionary<string, T> { ["spec"] = Spec });

    private static CelCompileResult Typed(string expression) => CelEnvironment.ForCustomResourceRules(Self, optionalOldSelf: false).Compile(expression);

    private static string TypeOf(string expression)
    {
        var result = Typed(expression);
        Assert.True(result.Success, result.Error);
        return result.ResultType!.ToString();
    }

    [Theory]
    [InlineData("self.spec.replicas + 1", "int")]
    [InlineData("self.spec.ratio * 2.0", "double")]
    [InlineData("self.spec.name + '-x'", "string")]
    [InlineData("self.spec.ports", "list(selfType0.spec.ports.@idx)")]
    [InlineData("self.spec.ports.map(p, p.port)", "list(int)")]
    [InlineData("self.spec.ports.filter(p, p.port > 80)", "list(selfType0.spec.ports.@idx)")]
    [InlineData("self.spec.ports.all(p, p.name != '')", "bool")]
    [InlineData("self.spec.ports.exists_one(p, p.port == 80)", "bool")]
    [InlineData("self.spec.labels.all(k, k.startsWith('a'))", "bool")]
    [InlineData("self.spec.labels.exists(k, v, v.endsWith('z'))", "bool")]
    [InlineData("self.spec.ports.all(i, p, i < p.port)", "bool")]
    [InlineData("self.spec.labels['app']", "string")]
    [InlineData("self.spec.ports[0].port", "int")]
    [InlineData("self.spec.size", "dyn")]
    [InlineData("self.spec.size.anything.goes", "dyn")]
    [InlineData("self.spec.size.anything.goes + 1", "int")]
    [InlineData("self.spec.x__dash__y", "string")]
    [InlineData("self.spec.__namespace__", "string")]
    [InlineData("self.spec.until + duration('1h') > timestamp('2024-01-01T00:00:00Z')", "bool")]
    [InlineData("self.spec.replicas < 1.5 && self.spec.ratio > 1u", "bool")]
    [InlineData("[1, 2, 3]", "list(int)")]
    [InlineData("[]", "list(dyn)")]
    [InlineData("{'a': [1]}", "map(string, list(int))")]
    [InlineData("size(self.spec.ports) + self.spec.name.size()", "int")]
    [InlineData("self.spec.ports.map(p, p.name).join(',')", "string")]
    [InlineData("self.spec.name.split(',').transformList(i, s, s.size())", "list(int)")]
    [InlineData("self.spec.labels.transformMap(k, v, v.size())", "map(string, int)")]
    [InlineData("[1, 2].sum() + [3].max()", "int")]
    [InlineData("self.?spec.?name", "optional_type(string)")]
    [InlineData("self.spec.?name.orValue('x')", "string")]
    [InlineData("self.spec.labels[?'app'].hasValue()", "bool")]
    [InlineData("optional.of(1).optMap(x, x + 1)", "optional_type(int)")]
    [InlineData("[?optional.of(1), 2]", "list(int)")]
    [InlineData("cel.bind(n, self.spec.name, n + n)", "string")]
    [InlineData("type(self.spec.size) == int", "bool")]
    [InlineData("self.spec.child == null", "bool")]
    [InlineData("quantity('1Gi').add(1).isLessThan(quantity('2Gi'))", "bool")]
    [InlineData("url('https://a/b').getQuery()", "map(string, list(string))")]
    [InlineData("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))", "bool")]
    [InlineData("self.spec.name.matches('^a') && matches(self.spec.name, 'b')", "bool")]
    [InlineData("has(self.spec.name)", "bool")]
    [InlineData("dyn(1) + 'a'", "string")]
    [InlineData("dyn(1) + dyn(2)", "dyn")]
    [InlineData("true ? 1 : 2", "int")]
    [InlineData("self.spec.name.find('[0-9]+')", "string")]
    public void Expressions_get_the_type_cel_go_infers(string expression, string type) => Assert.Equal(type, TypeOf(expression));

    [Theory]
    [InlineData("self.spec.replicas + 'a'", "<input>:1:20: found no matching overload for '_+_' applied to '(int, string)'")]
    [InlineData("self.spec.name.contains(1)", "<input>:1:24: found no matching overload for 'contains' applied to 'string.(int)'")]
    [InlineData("self.spec.replicas == 1.0", "<input>:1:20: found no matching overload for '_==_' applied to '(int, double)'")]
    [InlineData("self.spec.name == null", "<input>:1:16: found no matching overload for '_==_' applied to '(string, null)'")]
    [InlineData("self.spec.ports.map(p, p.port + 'a')", "<input>:1:31: found no matching overload for '_+_' applied to '(int, string)'")]
    [InlineData("self.spec.labels.all(k, k + 1 > 0)", "<input>:1:27: found no matching overload for '_+_' applied to '(string, int)'")]
    [InlineData("self.spec.labels.exists(k, v, v.startsWith(1))", "<input>:1:43: found no matching overload for 'startsWith' applied to 'string.(int)'")]
    [InlineData("self.spec.ports.all(p, p.port)", "<input>:1:25: expected type 'bool' but found 'int'")]
    [InlineData("self.spec.replicas && true", "<input>:1:10: expected type 'bool' but found 'int'")]
    [InlineData("self.spec.replicas.all(x, true)", "<input>:1:10: expression of type 'int' cannot be range of a comprehension (must be list, map, or dynamic)")]
    [InlineData("self.spec.replicas.name", "<input>:1:19: type 'int' does not support field selection")]
    [InlineData("self.spec.replicsa", "<input>:1:10: undefined field 'replicsa'")]
    [InlineData("self.spec.ports.all(p, p.nmae == '')", "<input>:1:25: undefined field 'nmae'")]
    [InlineData("has(self.spec.child.x)", "<input>:1:20: undefined field 'x'")]
    [InlineData("[1, 'a']", "<input>:1:5: expected type 'int' but found 'string'")]
    [InlineData("[?1]", "<input>:1:3: expected type 'optional_type(int)' but found 'int'")]
    [InlineData("optional.of(1).value() + 'a'", "<input>:1:24: found no matching overload for '_+_' applied to '(int, string)'")]
    [InlineData("['a'].sum()", "<input>:1:10: found no matching overload for 'sum' applied to 'list(string).()'")]
    [InlineData("url('x').getHost() + 1", "<input>:1:20: found no matching overload for '_+_' applied to '(string, int)'")]
    [InlineData("cel.bind(x, 1, x + 'a')", "<input>:1:18: found no matching overload for '_+_' applied to '(int, string)'")]
    [InlineData("size(1)", "<input>:1:5: found no matching overload for 'size' applied to '(int)'")]
    [InlineData("frobnicate(1)", "<input>:1:11: undeclared reference to 'frobnicate' (in container '')")]
    [InlineData("'1Gi'.quantity()", "<input>:1:15: found no matching overload for 'quantity' applied to 'string.()'")]
    [InlineData("self.spec.ports[0] + 1", "<input>:1:20: found no matching overload for '_+_' applied to '(selfType0.spec.ports.@idx, int)'")]
    public void Type_errors_are_cel_gos_messages_at_cel_gos_positions(string expression, string error)
    {
        var result = Typed(expression);

        Assert.False(result.Success);
        Assert.StartsWith("compilation failed: ERROR: " + error + "\n", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_is_reported_in_source_order_with_its_caret()
    {
        var result = Typed("foo + self.spec.replicas + 'a'");

        Assert.Equal(
            "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo + self.spec.replicas + 'a'\n | ^\n"
            + "ERROR: <input>:1:26: found no matching overload for '_+_' applied to '(int, string)'\n | foo + self.spec.replicas + 'a'\n | .........................^",
            result.Error);
    }

    [Fact]
    public void Optional_oldSelf_is_an_optional_of_self()
    {
        var environment = CelEnvironment.ForCustomResourceRules(T.Int, optionalOldSelf: true);

        Assert.Equal("bool", environment.Compile("oldSelf.orValue(0) <= self").ResultType!.ToString());
        Assert.Contains("found no matching overload for '_<=_' applied to '(optional_type(int), int)'", environment.Compile("oldSelf <= self").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Undeclared_variables_are_dyn_and_accept_anything() =>
        Assert.Equal("dyn", CelEnvironment.Create("x").Compile("x.a.b[0].c").ResultType!.ToString());

    [Fact]
    public void Every_declared_signature_has_a_runtime_function_and_every_function_a_signature()
    {
        foreach (var name in Signatures.Names)
        {
            foreach (var overload in Signatures.Of(name))
            {
                var exists = overload.Member ? Functions.IsMember(name) || name is "or" or "orValue" : Functions.IsGlobal(name);
                Assert.True(exists, $"{(overload.Member ? "member" : "global")} {name} is declared but not implemented");
            }
        }
        foreach (var name in new[] { "size", "contains", "startsWith", "endsWith", "matches", "charAt", "indexOf", "lastIndexOf", "lowerAscii", "upperAscii", "replace", "split", "substring", "trim", "join", "isSorted", "sum", "min", "max", "find", "findAll", "getFullYear", "getMilliseconds", "hasValue", "value", "isLessThan", "isGreaterThan", "compareTo", "sign", "isInteger", "asInteger", "asApproximateFloat", "add", "sub", "getScheme", "getHost", "getHostname", "getPort", "getEscapedPath", "getQuery", "family", "isUnspecified", "isLoopback", "isLinkLocalMulticast", "isLinkLocalUnicast", "isGlobalUnicast", "containsIP", "containsCIDR", "prefixLength", "masked", "ip", "validate" })
        {
            Assert.True(Functions.IsMember(name));
            Assert.Contains(Signatures.Of(name), o => o.Member);
        }
    }

    [Theory]
    [InlineData("a-b", "a__dash__b")]
    [InlineData("a.b/c", "a__dot__b__slash__c")]
    [InlineData("x__y", "x__underscores__y")]
    [InlineData("namespace", "__namespace__")]
    [InlineData("1st", null)]
    [InlineData("a b", null)]
    public void Property_names_are_escaped_as_kubernetes_does(string property, string? field) => Assert.Equal(field, CelFieldNames.Escape(property));
}
