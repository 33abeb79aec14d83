using System.Buffers.Text;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.ServiceAccounts;

/// <summary>
/// ServiceAccounts as Kubernetes has them, through kubectl and from inside pods: the default
/// ServiceAccount and kube-root-ca.crt in every namespace, the kubernetes Service and its endpoints,
/// `kubectl create token` and the tokens' authentication, issuer discovery, the projected token
/// volume refreshed by the agent, the Services' environment variables, and the official Python
/// client's in-cluster config listing pods with the pod's own token once RBAC grants it (403 before).
/// </summary>
public sealed class ServiceAccountTests(ServiceAccountFixture fx) : IClassFixture<ServiceAccountFixture>
{
    private const string TokenDir = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private string ClusterIp => fx.Server.ServiceCidr.Replace(".0/24", ".1", StringComparison.Ordinal);

    [Fact]
    public async Task Every_namespace_gets_a_default_ServiceAccount_and_the_root_CA_and_both_come_back_when_deleted()
    {
        var ns = await fx.NewNamespaceAsync("sa-defaults");
        var ca = await File.ReadAllTextAsync(Path.Combine(fx.Server.DataDir, "pki", "ca.crt"));

        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "the default ServiceAccount", "get", "sa", "default", "-n", ns);
        var published = await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "kube-root-ca.crt", "get", "cm", "kube-root-ca.crt", "-n", ns, "-o", "jsonpath={.data.ca\\.crt}");
        Assert.Equal(ca.Trim(), published.Stdout.Trim());
        var list = await fx.Kubectl.OkAsync("get", "sa", "-n", ns);
        Assert.Matches(@"NAME\s+SECRETS\s+AGE\s*\ndefault\s+0\s+", list);

        await fx.Kubectl.OkAsync("delete", "sa", "default", "-n", ns);
        await fx.Kubectl.OkAsync("delete", "cm", "kube-root-ca.crt", "-n", ns);
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "the default ServiceAccount again", "get", "sa", "default", "-n", ns);
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Trim() == ca.Trim(), "kube-root-ca.crt again",
            "get", "cm", "kube-root-ca.crt", "-n", ns, "-o", "jsonpath={.data.ca\\.crt}");
    }

    [Fact]
    public async Task The_kubernetes_Service_has_the_first_cluster_IP_and_the_API_servers_endpoint()
    {
        var service = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "svc", "kubernetes", "-n", "default", "-o", "json"))!;
        var slice = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "endpointslice", "kubernetes", "-n", "default", "-o", "json"))!;
        var endpoints = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "endpoints", "kubernetes", "-n", "default", "-o", "json"))!;

        Assert.Equal(ClusterIp, service["spec"]!["clusterIP"]!.GetValue<string>());
        var port = service["spec"]!["ports"]![0]!;
        Assert.Equal(("https", 443, fx.Server.Port), (port["name"]!.GetValue<string>(), port["port"]!.GetValue<int>(), port["targetPort"]!.GetValue<int>()));
        Assert.Equal(fx.Server.Port, slice["ports"]![0]!["port"]!.GetValue<int>());
        Assert.Equal("kubernetes", slice["metadata"]!["labels"]!["kubernetes.io/service-name"]!.GetValue<string>());
        var address = slice["endpoints"]![0]!["addresses"]![0]!.GetValue<string>();
        Assert.Equal(address, endpoints["subsets"]![0]!["addresses"]![0]!["ip"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kubectl_create_token_issues_a_token_that_authenticates_until_its_bound_pod_is_deleted()
    {
        var ns = await fx.NewNamespaceAsync("sa-token");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "the default ServiceAccount", "get", "sa", "default", "-n", ns);
        var token = (await fx.Kubectl.OkAsync("create", "token", "default", "-n", ns)).Trim();
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!;

        Assert.Equal($"system:serviceaccount:{ns}:default", claims["sub"]!.GetValue<string>());
        Assert.Equal("https://kubernetes.default.svc.cluster.local", claims["aud"]![0]!.GetValue<string>());
        // The token authenticates as the ServiceAccount (which RBAC grants nothing beyond the basic roles).
        Assert.Equal($"system:serviceaccount:{ns}:default", await WhoAmIAsync(token));

        var audience = (await fx.Kubectl.OkAsync("create", "token", "default", "-n", ns, "--audience", "vault", "--duration", "20m")).Trim();
        Assert.Equal("vault", JsonNode.Parse(Base64Url.DecodeFromChars(audience.Split('.')[1]))!["aud"]![0]!.GetValue<string>());
        var refused = await fx.Kubectl.RunAsync("auth", "whoami", "--token", audience);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("You must be logged in to the server", refused.Stderr, StringComparison.Ordinal);

        var tooShort = await fx.Kubectl.RunAsync("create", "token", "default", "-n", ns, "--duration", "5m");
        Assert.Contains("may not specify a duration less than 10 minutes", tooShort.Stderr, StringComparison.Ordinal);
        var missing = await fx.Kubectl.RunAsync("create", "token", "ghost", "-n", ns);
        Assert.Contains("serviceaccounts \"ghost\" not found", missing.Stderr, StringComparison.Ordinal);

        await fx.Kubectl.OkAsync("run", "holder", "-n", ns, "--image=busybox", "--restart=Never", "--", "sleep", "3600");
        var bound = (await fx.Kubectl.OkAsync("create", "token", "default", "-n", ns, "--bound-object-kind", "Pod", "--bound-object-name", "holder")).Trim();
        var boundClaims = JsonNode.Parse(Base64Url.DecodeFromChars(bound.Split('.')[1]))!;
        Assert.Equal("holder", boundClaims["kubernetes.io"]!["pod"]!["name"]!.GetValue<string>());
        Assert.Equal($"system:serviceaccount:{ns}:default", await WhoAmIAsync(bound));
        await fx.Kubectl.OkAsync("delete", "pod", "holder", "-n", ns, "--grace-period=0", "--force");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode != 0 && r.Stderr.Contains("You must be logged in", StringComparison.Ordinal),
            "the bound token refused once its pod is gone", "auth", "whoami", "--token", bound);
    }

    private async Task<string> WhoAmIAsync(string token) =>
        (await fx.Kubectl.OkAsync("auth", "whoami", "--token", token, "-o", "jsonpath={.status.userInfo.username}")).Trim();

    [Fact]
    public async Task The_issuer_discovery_documents_describe_the_signing_key()
    {
        var configuration = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "--raw", "/.well-known/openid-configuration"))!;
        var jwks = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "--raw", "/openid/v1/jwks"))!;

        Assert.Equal("https://kubernetes.default.svc.cluster.local", configuration["issuer"]!.GetValue<string>());
        Assert.Equal("https://kubernetes.default.svc.cluster.local/openid/v1/jwks", configuration["jwks_uri"]!.GetValue<string>());
        var key = jwks["keys"]![0]!;
        Assert.Equal(("EC", "ES256", "P-256"), (key["kty"]!.GetValue<string>(), key["alg"]!.GetValue<string>(), key["crv"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Admission_names_the_default_ServiceAccount_mounts_the_token_volume_and_refuses_a_missing_account()
    {
        var ns = await fx.NewNamespaceAsync("sa-admission");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "the default ServiceAccount", "get", "sa", "default", "-n", ns);
        await fx.Kubectl.OkAsync("run", "plain", "-n", ns, "--image=busybox", "--restart=Never", "--", "sleep", "3600");
        var pod = JsonNode.Parse(await fx.Kubectl.OkAsync("get", "pod", "plain", "-n", ns, "-o", "json"))!;

        Assert.Equal("default", pod["spec"]!["serviceAccountName"]!.GetValue<string>());
        var volume = pod["spec"]!["volumes"]![0]!;
        Assert.StartsWith("kube-api-access-", volume["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3607, volume["projected"]!["sources"]![0]!["serviceAccountToken"]!["expirationSeconds"]!.GetValue<int>());
        var mount = pod["spec"]!["containers"]![0]!["volumeMounts"]![0]!;
        Assert.Equal((TokenDir, true), (mount["mountPath"]!.GetValue<string>(), mount["readOnly"]!.GetValue<bool>()));

        var refused = await fx.Kubectl.RunAsync("run", "ghostly", "-n", ns, "--image=busybox", "--restart=Never", "--overrides", "{\"spec\":{\"serviceAccountName\":\"ghost\"}}", "--", "sleep", "1");
        Assert.Contains($"pods \"ghostly\" is forbidden: error looking up service account {ns}/ghost: serviceaccount \"ghost\" not found", refused.Stderr, StringComparison.Ordinal);

        await fx.Kubectl.OkAsync("run", "nomount", "-n", ns, "--image=busybox", "--restart=Never", "--overrides", "{\"spec\":{\"automountServiceAccountToken\":false}}", "--", "sleep", "1");
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pod", "nomount", "-n", ns, "-o", "jsonpath={.spec.volumes}"));
    }

    [Fact]
    public async Task A_pod_sees_the_service_variables_its_refreshed_token_and_lists_pods_with_the_python_client_in_cluster()
    {
        var ns = await fx.NewNamespaceAsync("sa-incluster");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0, "the default ServiceAccount", "get", "sa", "default", "-n", ns);
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Service
            metadata: {name: my-web, namespace: {{ns}}}
            spec:
              selector: {app: nothing}
              ports: [{name: http, port: 80, targetPort: 8080}]
            """, "apply", "-f", "-");
        var webIp = (await fx.Kubectl.OkAsync("get", "svc", "my-web", "-n", ns, "-o", "jsonpath={.spec.clusterIP}")).Trim();
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: {{ns}}}
            spec:
              containers:
              - name: client
                image: axolotl/python-kubernetes
                command: ["sleep", "3600"]
                env: [{name: MY_WEB_SERVICE_PORT, value: "own-value"}]
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "client", "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", "the client pod to run", StartTimeout);

        var env = (await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "env")).Split('\n');
        Assert.Contains($"KUBERNETES_SERVICE_HOST={ClusterIp}", env);
        Assert.Contains("KUBERNETES_SERVICE_PORT=443", env);
        Assert.Contains("KUBERNETES_SERVICE_PORT_HTTPS=443", env);
        Assert.Contains($"KUBERNETES_PORT_443_TCP=tcp://{ClusterIp}:443", env);
        Assert.Contains($"MY_WEB_SERVICE_HOST={webIp}", env);
        Assert.Contains("MY_WEB_SERVICE_PORT=own-value", env);
        Assert.Contains("MY_WEB_SERVICE_PORT_HTTP=80", env);
        Assert.Contains($"MY_WEB_PORT_80_TCP_ADDR={webIp}", env);

        Assert.Equal(ns, await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "cat", TokenDir + "/namespace"));
        var ca = await File.ReadAllTextAsync(Path.Combine(fx.Server.DataDir, "pki", "ca.crt"));
        Assert.Equal(ca.Trim(), (await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "cat", TokenDir + "/ca.crt")).Trim());
        var first = await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "cat", TokenDir + "/token");
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(first.Split('.')[1]))!;
        Assert.Equal("client", claims["kubernetes.io"]!["pod"]!["name"]!.GetValue<string>());
        Assert.Equal(fx.Server.NodeName, claims["kubernetes.io"]!["node"]!["name"]!.GetValue<string>());

        // The pod's ServiceAccount holds no role yet: RBAC refuses with upstream's message, then a Role and
        // RoleBinding grant listing (and only listing) pods.
        const string list = "from kubernetes import client, config\nfrom kubernetes.client.rest import ApiException\nimport json, os\n" +
            "config.load_incluster_config()\napi = client.CoreV1Api()\n" +
            "try:\n    print(' '.join(p.metadata.name for p in api.list_namespaced_pod(os.environ['NS']).items))\n" +
            "except ApiException as e:\n    print(e.status, json.loads(e.body)['message'])\n";
        const string delete = "from kubernetes import client, config\nfrom kubernetes.client.rest import ApiException\nimport json, os\n" +
            "config.load_incluster_config()\n" +
            "try:\n    client.CoreV1Api().delete_namespaced_pod('client', os.environ['NS'])\n    print('deleted')\n" +
            "except ApiException as e:\n    print(e.status, json.loads(e.body)['message'])\n";
        var refused = await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "env", $"NS={ns}", "python3", "-c", list);
        Assert.Equal($"403 pods is forbidden: User \"system:serviceaccount:{ns}:default\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\"", refused.Trim());
        await fx.Kubectl.OkAsync("create", "role", "pod-reader", "-n", ns, "--verb=get,list,watch", "--resource=pods");
        await fx.Kubectl.OkAsync("create", "rolebinding", "client-reads-pods", "-n", ns, "--role=pod-reader", $"--serviceaccount={ns}:default");
        var listed = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("exec", "client", "-n", ns, "--", "env", $"NS={ns}", "python3", "-c", list),
            r => r.ExitCode == 0 && !r.Stdout.StartsWith("403", StringComparison.Ordinal), "the RoleBinding to take effect", TimeSpan.FromSeconds(30));
        Assert.Equal("client", listed.Stdout.Trim());
        var notGranted = await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "env", $"NS={ns}", "python3", "-c", delete);
        Assert.Equal($"403 pods \"client\" is forbidden: User \"system:serviceaccount:{ns}:default\" cannot delete resource \"pods\" in API group \"\" in the namespace \"{ns}\"", notGranted.Trim());
        var canI = await fx.Kubectl.OkAsync("auth", "can-i", "list", "pods", "-n", ns, $"--as=system:serviceaccount:{ns}:default");
        Assert.Equal("yes", canI.Trim());
        var cannot = await fx.Kubectl.RunAsync("auth", "can-i", "delete", "pods", "-n", ns, $"--as=system:serviceaccount:{ns}:default");
        Assert.Equal("no", cannot.Stdout.Trim());

        // Tokens live 30 s here: the agent writes a new one after 80 % of that, before the old one expires.
        var refreshed = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("exec", "client", "-n", ns, "--", "cat", TokenDir + "/token"),
            r => r.ExitCode == 0 && r.Stdout.Length > 0 && r.Stdout != first, "a refreshed token", TimeSpan.FromSeconds(90));
        var again = await fx.Kubectl.OkAsync("exec", "client", "-n", ns, "--", "env", $"NS={ns}", "python3", "-c", list);
        Assert.Equal("client", again.Trim());
        Assert.NotEqual(first, refreshed.Stdout);
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode != 0 && r.Stderr.Contains("You must be logged in", StringComparison.Ordinal),
            "the first token refused once expired", "auth", "whoami", "--token", first);
    }
}
