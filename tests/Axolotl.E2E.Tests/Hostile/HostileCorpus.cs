using System.Globalization;
using System.Text;

namespace Axolotl.E2E.Tests.Hostile;

/// <summary>
/// A seeded, deterministic corpus of hostile requests (issue 15's bad-input list): malformed and
/// oversized JSON, YAML and protobuf, alias bombs, deep nesting, bad selectors, resourceVersions and
/// continue tokens, odd paths (encoded, dot segments, empty names, very long), wrong content types,
/// every verb, from every principal. Writes aim at <paramref name="ns"/>; traversal attempts aim at
/// <paramref name="keepNs"/>, whose objects must survive.
/// </summary>
public sealed class HostileCorpus(int seed, string ns, string keepNs, IReadOnlyList<string> principals)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private static readonly string[] Resources = ["configmaps", "secrets", "pods", "services", "endpoints", "serviceaccounts", "resourcequotas"];
    private static readonly string[] ContentTypes =
    [
        "application/json", "application/yaml", "application/vnd.kubernetes.protobuf", "application/merge-patch+json",
        "application/strategic-merge-patch+json", "application/json-patch+json", "application/apply-patch+yaml", "text/plain", "",
        "application/json; charset=utf-16", "multipart/form-data; boundary=x",
    ];

    public IEnumerable<HostileRequest> Generate(int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var principal = principals[random.Next(principals.Count)];
            var kind = random.Next(9);
            yield return kind switch
            {
                0 => BadBody(random, principal),
                1 => Bomb(random, principal),
                2 => Deep(random, principal),
                3 => BadQuery(random, principal),
                4 => OddPath(random, principal),
                5 => WrongContentType(random, principal),
                6 => BadPatch(random, principal),
                7 => Oversized(random, principal),
                _ => BadProtobuf(random, principal),
            };
        }
    }

    private string Collection(Random random) => $"/api/v1/namespaces/{ns}/{Pick(random, Resources)}";

    private HostileRequest BadBody(Random random, string principal)
    {
        string[] bodies =
        [
            "{", "[]", "null", "\"x\"", "{\"kind\":5}", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":\"x\"}",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"s\"},\"data\":{\"a\":\"\\ud800\"}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[null,{\"env\":[null]}]}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"resources\":{\"limits\":{\"cpu\":\"abc\"}}}]}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},\"spec\":{\"ports\":[{\"port\":99999999999}]}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"},\"data\":{\"a\":\"not base64!\"}}",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: {a: ~, b: [1]}\n",
            "\uFEFF{\"apiVersion\":\"v1\"}", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + new string('a', 300) + "\"}}",
        ];
        var body = Pick(random, bodies);
        var method = Pick(random, ["POST", "PUT"]);
        var path = method == "POST" ? Collection(random) : $"{Collection(random)}/x{random.Next(5)}";
        return new HostileRequest(method, path, Encoding.UTF8.GetBytes(body), body.StartsWith("apiVersion:", StringComparison.Ordinal) ? "application/yaml" : "application/json", principal, "bad-body");
    }

    private HostileRequest Bomb(Random random, string principal)
    {
        var laughs = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            laughs.Append(CultureInfo.InvariantCulture, $"{level}: &{level} [{string.Join(",", Enumerable.Repeat($"*{(char)(level - 1)}", 9))}]\n");
        }
        string[] bombs = ["&a [*a]", "a: &a {b: *a}", laughs.ToString(), "a: *nope", "a: &x 1\nb: *x\nc: &x [*x]\n"];
        var yaml = Pick(random, bombs);
        var patch = random.Next(2) == 0;
        return new HostileRequest(patch ? "PATCH" : "POST", patch ? $"{Collection(random)}/x?fieldManager=corpus" : Collection(random),
            Encoding.UTF8.GetBytes(yaml), patch ? "application/apply-patch+yaml" : "application/yaml", principal, "alias-bomb");
    }

    private HostileRequest Deep(Random random, string principal)
    {
        var depth = Pick(random, [65, 101, 257, 5_000, 100_000]);
        var json = random.Next(2) == 0;
        var body = json
            ? "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"d\"},\"data\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth + 1)
            : new string('[', depth) + new string(']', depth);
        return new HostileRequest("POST", Collection(random), Encoding.UTF8.GetBytes(body), json ? "application/json" : "application/yaml", principal, "deep");
    }

    private HostileRequest BadQuery(Random random, string principal)
    {
        string[] queries =
        [
            "labelSelector=a%20in%20(", "labelSelector=!!!", "labelSelector=" + new string('a', 5000), "fieldSelector=metadata.name%3D%3D%3D",
            "fieldSelector=spec.bogus%3Dx", "resourceVersion=abc", "resourceVersion=-1", "resourceVersion=1e30", "resourceVersion=99999999999999999999999",
            "resourceVersion=99999999&resourceVersionMatch=NotOlderThan", "resourceVersionMatch=Bogus&resourceVersion=1", "continue=garbage",
            "continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTUsInN0YXJ0IjoiLi4vLi4vIn0", "limit=-5", "limit=abc", "limit=99999999999999999999",
            "watch=true&timeoutSeconds=1&resourceVersion=abc", "watch=True&timeoutSeconds=1", "watch=true&timeoutSeconds=-1", "timeoutSeconds=abc&watch=1",
            "dryRun=bogus", "fieldValidation=bogus", "propagationPolicy=Bogus", "gracePeriodSeconds=abc", "pretty=%ZZ",
        ];
        var method = Pick(random, ["GET", "GET", "GET", "DELETE"]);
        var path = method == "DELETE" ? $"{Collection(random)}/x{random.Next(5)}" : Collection(random);
        return new HostileRequest(method, $"{path}?{Pick(random, queries)}", null, null, principal, "bad-query");
    }

    private HostileRequest OddPath(Random random, string principal)
    {
        string[] paths =
        [
            $"/api/v1/namespaces/{ns}/configmaps/", $"/api/v1/namespaces/{ns}/configmaps/%2E%2E/%2E%2E/{keepNs}",
            $"/api/v1/namespaces/{ns}/configmaps/../../{keepNs}", $"/api/v1/namespaces/{ns}/configmaps/%2e", $"/api/v1/namespaces/{ns}/configmaps/a%2Fb",
            $"/api/v1/namespaces/{ns}/configmaps/%252E%252E", $"/api/v1/namespaces/%2E%2E/configmaps", $"/api/v1/namespaces/{ns}//configmaps",
            $"/api/v1/namespaces/{ns}/configmaps/x/y/z/w", $"/api/v1/namespaces/{ns}/configmaps/{new string('x', 4000)}", "/api/v1/%00", "/api/v1/namespaces/%ZZ",
            $"/apis/apps/v1/namespaces/{ns}/deployments/x/scale/extra", "/apis/bogus.io/v9/things", "/openapi/v3/apis/bogus/v9", $"/api/v1/namespaces/{ns}/pods/x/attachx",
            "/api/v1/nodes/%2E%2E", $"/api/v1/namespaces/{ns}/pods/x/log?tailLines=abc", $"/api/v1/namespaces/{ns}/pods/x/exec?command=ls", "/api/v1/namespaces/kube-public",
            "/healthz/%2E%2E/api/v1/secrets", $"/api/v1/namespaces/{keepNs}/configmaps/..%2F..%2F", "/..", "/api/v1/namespaces/default/configmaps%00",
        ];
        var method = Pick(random, Methods);
        var path = Pick(random, paths);
        // The immortal namespace delete is refused; never aim a valid delete at the kept namespace.
        return new HostileRequest(method, path, method is "POST" or "PUT" or "PATCH" ? "{}"u8.ToArray() : null,
            method == "PATCH" ? "application/merge-patch+json" : "application/json", principal, "odd-path");
    }

    private HostileRequest WrongContentType(Random random, string principal)
    {
        var body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ct\"}}";
        var method = Pick(random, ["POST", "PUT", "PATCH"]);
        return new HostileRequest(method, method == "POST" ? Collection(random) : $"{Collection(random)}/ct", Encoding.UTF8.GetBytes(body), Pick(random, ContentTypes), principal, "content-type");
    }

    private HostileRequest BadPatch(Random random, string principal)
    {
        (string Type, string Body)[] patches =
        [
            ("application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/data/a/b/c\",\"value\":1}]"),
            ("application/json-patch+json", "[{\"op\":\"bogus\"}]"), ("application/json-patch+json", "{\"op\":\"add\"}"),
            ("application/json-patch+json", "[{\"op\":\"move\",\"from\":\"/metadata\",\"path\":\"/metadata/x\"}]"),
            ("application/json-patch+json", "[{\"op\":\"add\",\"path\":\"/metadata/labels/~2\",\"value\":\"z\"}]"),
            ("application/json-patch+json", "[{\"op\":\"add\",\"path\":\"/data/-\",\"value\":\"z\"}]"),
            ("application/merge-patch+json", "[1,2]"), ("application/merge-patch+json", "{\"metadata\":{\"name\":5}}"),
            ("application/strategic-merge-patch+json", "{\"$patch\":\"bogus\"}"), ("application/strategic-merge-patch+json", "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":5}}"),
            ("application/strategic-merge-patch+json", "{\"data\":{\"$retainKeys\":5}}"), ("application/merge-patch+json", "{\"metadata\":{\"resourceVersion\":\"abc\"}}"),
            ("application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\ndata: [1]"), ("application/apply-patch+yaml", "{"),
        ];
        var (type, body) = Pick(random, patches);
        return new HostileRequest("PATCH", $"/api/v1/namespaces/{ns}/configmaps/target?fieldManager=corpus", Encoding.UTF8.GetBytes(body), type, principal, "bad-patch");
    }

    private HostileRequest Oversized(Random random, string principal)
    {
        var size = Pick(random, [3 * 1024 * 1024 + 1, 4 * 1024 * 1024, 8 * 1024 * 1024]);
        var body = new byte[size];
        Array.Fill(body, (byte)'a');
        Encoding.ASCII.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"").CopyTo(body, 0);
        return new HostileRequest(Pick(random, ["POST", "PATCH"]), $"/api/v1/namespaces/{ns}/configmaps", body, "application/json", principal, "oversized");
    }

    private HostileRequest BadProtobuf(Random random, string principal)
    {
        byte[][] bodies =
        [
            [0x0a, 0x0b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], "k8s\0"u8.ToArray(), [.. "k8s\0"u8, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f],
            [.. "k8s\0"u8, 0x12, 0x03, 0x0a, 0x01, 0x00], [.. "k8s\0"u8, .. Enumerable.Repeat((byte)0x12, 300)],
            [.. "k8s\0"u8, 0x0a, 0x04, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x7f, 0x0a, 0x7d],
        ];
        var body = Pick(random, bodies);
        return new HostileRequest("POST", Collection(random), body, "application/vnd.kubernetes.protobuf", principal, "protobuf");
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
