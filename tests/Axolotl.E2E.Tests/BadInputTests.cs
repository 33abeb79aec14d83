using System.Text;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>Bad manifests and bad requests: each fails with a non-zero exit and the Kubernetes message.</summary>
[Collection(SharedServerFCollection.Name)]
public sealed class BadInputTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private async Task<string> CreateFailsAsync(string ns, string fileName, string manifest, params string[] extra)
    {
        var file = fx.WriteFile(fileName, manifest);
        return await fx.Kubectl.FailAsync(["create", "-n", ns, "-f", file, .. extra]);
    }

    [Fact]
    public async Task Malformed_yaml_is_a_parse_error()
    {
        var ns = await fx.NewNamespaceAsync("bad-yaml");

        var output = await CreateFailsAsync(ns, "broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\ndata: {a: 1\n");

        Assert.Contains("error: error parsing", output);
        Assert.Contains("error converting YAML to JSON", output);
    }

    [Fact]
    public async Task YAML_that_is_not_UTF_8_is_refused_by_the_server_and_nothing_is_stored()
    {
        var ns = await fx.NewNamespaceAsync("bad-utf8");
        var yaml = Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: latin1\ndata:\n  city: \"M")
            .Concat(new byte[] { 0xFC }).Concat(Encoding.UTF8.GetBytes("nchen\"\n")).ToArray();
        var file = fx.WriteFile("latin1.yaml", "");
        await File.WriteAllBytesAsync(file, yaml);

        // A client that sends the YAML as it is gets the server's refusal in go-yaml's words.
        using var http = ApiClient.Create(fx.Server);
        using var content = new ByteArrayContent(yaml);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/yaml");
        using var response = await http.PostAsync($"/api/v1/namespaces/{ns}/configmaps", content);
        var status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("BadRequest", status.GetProperty("reason").GetString());
        Assert.Equal("error converting YAML to JSON: yaml: invalid leading UTF-8 octet", status.GetProperty("message").GetString());

        Assert.Contains("NotFound", await fx.Kubectl.FailAsync("get", "configmap", "latin1", "-n", ns));

        // kubectl 1.32 turns the YAML into JSON before sending, and its encoder puts U+FFFD for the bad octet: the
        // server stores what it was sent, which is valid UTF-8.
        Assert.Equal("configmap/latin1 created\n", await fx.Kubectl.OkAsync("create", "-n", ns, "-f", file));
        Assert.Equal("M\uFFFDnchen", await fx.Kubectl.OkAsync("get", "configmap", "latin1", "-n", ns, "-o", "jsonpath={.data.city}"));
    }

    [Fact]
    public async Task An_unknown_kind_has_no_resource_mapping()
    {
        var ns = await fx.NewNamespaceAsync("bad-kind");

        var output = await CreateFailsAsync(ns, "foo.yaml", "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n");

        Assert.Contains("resource mapping not found for name: \"x\"", output);
        Assert.Contains("no matches for kind \"Foo\" in version \"v1\"", output);
    }

    [Fact]
    public async Task A_wrong_api_version_has_no_resource_mapping()
    {
        var ns = await fx.NewNamespaceAsync("bad-version");
        const string Manifest = "apiVersion: apps/v2\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n";

        var output = await fx.Kubectl.FailAsync("apply", "-n", ns, "-f", fx.WriteFile("v2.yaml", Manifest));

        Assert.Contains("no matches for kind \"Deployment\" in version \"apps/v2\"", output);
    }

    [Fact]
    public async Task An_invalid_name_is_rejected_with_the_rfc_1123_message()
    {
        var ns = await fx.NewNamespaceAsync("bad-name");

        var output = await CreateFailsAsync(ns, "bad-name.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n");

        Assert.Contains("The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters", output);
    }

    [Fact]
    public async Task An_object_over_three_mebibytes_is_too_large()
    {
        var ns = await fx.NewNamespaceAsync("bad-size");
        var big = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n");
        for (var i = 0; i < 4; i++)
        {
            big.Append($"  part{i}: {new string((char)('a' + i), 900 * 1024)}\n");
        }

        var output = await CreateFailsAsync(ns, "huge.yaml", big.ToString());

        Assert.Contains("Request entity too large", output);
        Assert.Contains("(NotFound)", await fx.Kubectl.FailAsync("get", "cm", "huge", "-n", ns));
    }

    [Fact]
    public async Task A_configmap_over_one_mebibyte_is_invalid()
    {
        var ns = await fx.NewNamespaceAsync("bad-cm-size");
        var manifest = $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: {new string('x', 1100 * 1024)}\n";

        var output = await CreateFailsAsync(ns, "big.yaml", manifest);

        Assert.Contains("The ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes", output);
    }

    [Fact]
    public async Task Creating_an_existing_object_is_already_exists()
    {
        var ns = await fx.NewNamespaceAsync("bad-dup");
        var file = fx.WriteFile("dup.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n");
        await fx.Kubectl.OkAsync("create", "-n", ns, "-f", file);

        var output = await fx.Kubectl.FailAsync("create", "-n", ns, "-f", file);

        Assert.Contains($"Error from server (AlreadyExists): error when creating \"{file}\": configmaps \"dup\" already exists", output);
    }

    [Fact]
    public async Task Replace_with_a_stale_resource_version_is_a_conflict()
    {
        var ns = await fx.NewNamespaceAsync("bad-stale");
        await fx.Kubectl.OkAsync("create", "configmap", "stale", "--from-literal=a=1", "-n", ns);
        var snapshot = await fx.Kubectl.OkAsync("get", "configmap", "stale", "-n", ns, "-o", "yaml");
        var file = fx.WriteFile("stale.yaml", snapshot.Replace("a: \"1\"", "a: \"from-snapshot\"", StringComparison.Ordinal));
        await fx.Kubectl.OkAsync("label", "configmap", "stale", "bump=yes", "-n", ns);

        var output = await fx.Kubectl.FailAsync("replace", "-f", file);

        Assert.Contains("Error from server (Conflict)", output);
        Assert.Contains("Operation cannot be fulfilled on configmaps \"stale\": the object has been modified; please apply your changes to the latest version and try again", output);
        Assert.Equal("1", await fx.Kubectl.OkAsync("get", "configmap", "stale", "-n", ns, "-o", "jsonpath={.data.a}"));
    }

    [Fact]
    public async Task Replace_with_the_current_resource_version_succeeds()
    {
        var ns = await fx.NewNamespaceAsync("replace-ok");
        await fx.Kubectl.OkAsync("create", "configmap", "fresh", "--from-literal=a=1", "-n", ns);
        var snapshot = await fx.Kubectl.OkAsync("get", "configmap", "fresh", "-n", ns, "-o", "yaml");
        var file = fx.WriteFile("fresh.yaml", snapshot.Replace("a: \"1\"", "a: \"2\"", StringComparison.Ordinal));

        Assert.Equal("configmap/fresh replaced\n", await fx.Kubectl.OkAsync("replace", "-f", file));
        Assert.Equal("2", await fx.Kubectl.OkAsync("get", "configmap", "fresh", "-n", ns, "-o", "jsonpath={.data.a}"));
    }

    [Fact]
    public async Task A_deployment_without_an_image_is_invalid()
    {
        var ns = await fx.NewNamespaceAsync("bad-image");
        const string Manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: noimg\nspec:\n  selector:\n    matchLabels: {app: noimg}\n  template:\n    metadata:\n      labels: {app: noimg}\n    spec:\n      containers:\n      - name: main\n";

        var output = await CreateFailsAsync(ns, "noimg.yaml", Manifest);

        Assert.Contains("The Deployment \"noimg\" is invalid: spec.template.spec.containers[0].image: Required value", output);
    }

    [Fact]
    public async Task A_deployment_whose_selector_does_not_match_its_template_is_invalid()
    {
        var ns = await fx.NewNamespaceAsync("bad-selector");
        const string Manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mismatch\nspec:\n  selector:\n    matchLabels: {app: one}\n  template:\n    metadata:\n      labels: {app: two}\n    spec:\n      containers:\n      - name: main\n        image: nginx\n";

        var output = await CreateFailsAsync(ns, "mismatch.yaml", Manifest);

        Assert.Contains("The Deployment \"mismatch\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"two\"}: `selector` does not match template `labels`", output);
    }

    [Fact]
    public async Task An_unknown_field_with_strict_validation_is_a_bad_request()
    {
        var ns = await fx.NewNamespaceAsync("bad-field");

        var output = await CreateFailsAsync(ns, "extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\nfoo: bar\n", "--validate=strict");

        Assert.Contains("Error from server (BadRequest)", output);
        Assert.Contains("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"foo\"", output);
    }

    [Fact]
    public async Task Get_of_an_unknown_resource_type_fails_client_side()
    {
        var output = await fx.Kubectl.FailAsync("get", "gizmos");

        Assert.Contains("error: the server doesn't have a resource type \"gizmos\"", output);
    }
}
