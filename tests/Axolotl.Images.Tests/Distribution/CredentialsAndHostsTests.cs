using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Images.Distribution;

namespace Axolotl.Images.Tests.Distribution;

public sealed class CredentialsAndHostsTests
{
    [Fact]
    public void Dockerconfigjson_and_dockercfg_secrets_give_credentials_matched_as_the_kubelet_does()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:pa:ss"));
        var json = Encoding.UTF8.GetBytes("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"}," +
            "\"registry.example.com:5000\":{\"username\":\"u\",\"password\":\"p\"},\"*.corp.example\":{\"username\":\"w\",\"password\":\"x\"}}}");
        var parsed = DockerConfigCredentials.FromSecret(DockerConfigCredentials.DockerConfigJsonType, new Dictionary<string, byte[]> { [".dockerconfigjson"] = json })!;
        Assert.Equal(3, parsed.Count);
        var hub = parsed.Single(c => c.Username == "bob");
        Assert.Equal("pa:ss", hub.Password);
        Assert.True(DockerConfigCredentials.Matches(hub, "docker.io"));
        Assert.False(DockerConfigCredentials.Matches(hub, "registry.example.com:5000"));
        Assert.True(DockerConfigCredentials.Matches(parsed.Single(c => c.Username == "u"), "registry.example.com:5000"));
        Assert.True(DockerConfigCredentials.Matches(parsed.Single(c => c.Username == "w"), "images.corp.example"));
        Assert.False(DockerConfigCredentials.Matches(parsed.Single(c => c.Username == "w"), "a.b.corp.example"));

        var legacy = Encoding.UTF8.GetBytes("""{"quay.io":{"username":"q","password":"r"}}""");
        Assert.Equal("quay.io", Assert.Single(DockerConfigCredentials.FromSecret(DockerConfigCredentials.DockerCfgType, new Dictionary<string, byte[]> { [".dockercfg"] = legacy })!).Registry);
        Assert.Null(DockerConfigCredentials.FromSecret("Opaque", new Dictionary<string, byte[]> { [".dockercfg"] = legacy }));
        Assert.Null(DockerConfigCredentials.FromSecret(DockerConfigCredentials.DockerConfigJsonType, new Dictionary<string, byte[]> { [".dockerconfigjson"] = "not json"u8.ToArray() }));
    }

    [Fact]
    public void The_registries_file_gives_mirrors_first_plain_http_for_loopback_and_per_host_auth()
    {
        var hosts = RegistryHosts.FromJson(JsonNode.Parse("""
            {"mirrors": {"docker.io": {"endpoint": ["http://127.0.0.1:5000", "https://mirror.example.com"]}},
             "configs": {"registry.example.com": {"auth": {"username": "a", "password": "b"}}}}
            """));
        Assert.Equal(["http://127.0.0.1:5000/", "https://mirror.example.com/", "https://registry-1.docker.io/"], hosts.Endpoints("docker.io").Select(u => u.ToString()));
        Assert.Equal(["http://127.0.0.1:5001/"], RegistryHosts.Empty.Endpoints("127.0.0.1:5001").Select(u => u.ToString()));
        Assert.Equal(["http://localhost:5001/"], RegistryHosts.Empty.Endpoints("localhost:5001").Select(u => u.ToString()));
        Assert.Equal(["https://quay.io/"], RegistryHosts.Empty.Endpoints("quay.io").Select(u => u.ToString()));
        Assert.Equal("a", hosts.CredentialFor("registry.example.com")!.Username);
        Assert.True(hosts.Configures("docker.io"));
        Assert.False(hosts.Configures("quay.io"));
        Assert.Throws<FormatException>(() => RegistryHosts.FromJson(JsonNode.Parse("""{"mirrors": {"x": {"endpoint": ["ftp://nope"]}}}""")));
    }

    [Fact]
    public void Mirror_rewrites_apply_to_mirror_endpoints_only_and_bad_tls_or_rewrite_settings_are_refused()
    {
        var hosts = RegistryHosts.FromJson(JsonNode.Parse("""
            {"mirrors": {"docker.io": {"endpoint": ["http://127.0.0.1:5000"], "rewrite": {"^rancher/(.*)": "mirrorproject/rancher-images/$1", "^library/(.*)": "lib/$1"}}}}
            """));
        var mirror = new Uri("http://127.0.0.1:5000");
        Assert.Equal("mirrorproject/rancher-images/coredns-coredns", hosts.RepositoryAt("docker.io", mirror, "rancher/coredns-coredns"));
        Assert.Equal("lib/nginx", hosts.RepositoryAt("docker.io", mirror, "library/nginx"));
        Assert.Equal("team/app", hosts.RepositoryAt("docker.io", mirror, "team/app"));
        Assert.Equal("rancher/coredns-coredns", hosts.RepositoryAt("docker.io", new Uri("https://registry-1.docker.io"), "rancher/coredns-coredns"));

        Assert.Throws<FormatException>(() => RegistryHosts.FromJson(JsonNode.Parse("""{"mirrors": {"x": {"endpoint": ["http://127.0.0.1:1"], "rewrite": {"(": "y"}}}}""")));
        Assert.Throws<FormatException>(() => RegistryHosts.FromJson(JsonNode.Parse("""{"configs": {"x": {"tls": {"cert_file": "/nonexistent/cert.pem"}}}}""")));
        Assert.Throws<FormatException>(() => RegistryHosts.FromJson(JsonNode.Parse("""{"configs": {"x": {"tls": {"cert_file": "/nonexistent/cert.pem", "key_file": "/nonexistent/key.pem"}}}}""")));
    }

    [Fact]
    public void The_wildcard_entry_serves_registries_without_one_of_their_own_with_its_endpoints_rewrites_and_credentials()
    {
        var hosts = RegistryHosts.FromJson(JsonNode.Parse("""
            {"mirrors": {
              "*": {"endpoint": ["http://127.0.0.1:5001"], "rewrite": {"^(.*)$": "cache/$1"}},
              "quay.io": {"endpoint": ["http://127.0.0.1:5002"], "rewrite": {"^(.*)$": "quay/$1"}}},
             "configs": {
              "*": {"auth": {"username": "any", "password": "one"}},
              "quay.io": {"auth": {"username": "quay", "password": "two"}}}}
            """));
        var wildcard = new Uri("http://127.0.0.1:5001");
        var quayMirror = new Uri("http://127.0.0.1:5002");

        Assert.Equal(["http://127.0.0.1:5001/", "https://registry.example/"], hosts.Endpoints("registry.example").Select(u => u.ToString()));
        Assert.Equal("cache/team/app", hosts.RepositoryAt("registry.example", wildcard, "team/app"));
        Assert.Equal("team/app", hosts.RepositoryAt("registry.example", new Uri("https://registry.example"), "team/app"));
        Assert.Equal(["http://127.0.0.1:5002/", "https://quay.io/"], hosts.Endpoints("quay.io").Select(u => u.ToString()));
        Assert.Equal("quay/org/tool", hosts.RepositoryAt("quay.io", quayMirror, "org/tool"));
        Assert.Equal("org/tool", hosts.RepositoryAt("quay.io", wildcard, "org/tool"));
        Assert.Equal("any", hosts.CredentialFor("registry.example")?.Username);
        Assert.Equal("quay", hosts.CredentialFor("quay.io")?.Username);
    }

    [Fact]
    public void A_loopback_registry_speaks_https_once_the_file_gives_it_tls_settings()
    {
        var hosts = RegistryHosts.FromJson(JsonNode.Parse("""
            {"configs": {"127.0.0.1:5443": {"tls": {"insecure_skip_verify": true}}, "127.0.0.1:5000": {"auth": {"username": "u", "password": "p"}}}}
            """));

        Assert.Equal(["https://127.0.0.1:5443/"], hosts.Endpoints("127.0.0.1:5443").Select(u => u.ToString()));
        Assert.Equal(["http://127.0.0.1:5000/"], hosts.Endpoints("127.0.0.1:5000").Select(u => u.ToString()));
        Assert.Equal(["http://127.0.0.1:5001/"], hosts.Endpoints("127.0.0.1:5001").Select(u => u.ToString()));
    }

    [Fact]
    public void A_client_certificate_and_its_key_are_loaded_for_mutual_tls()
    {
        var dir = Directory.CreateTempSubdirectory("axl-client-cert-").FullName;
        try
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=node", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
            File.WriteAllText(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());
            using var other = System.Security.Cryptography.ECDsa.Create();
            File.WriteAllText(Path.Combine(dir, "other-key.pem"), other.ExportPkcs8PrivateKeyPem());

            var hosts = RegistryHosts.FromJson(JsonNode.Parse("{\"configs\": {\"registry.example.com\": {\"tls\": {\"cert_file\": \"" + dir + "/cert.pem\", \"key_file\": \"" + dir + "/key.pem\"}}}}"));
            var loaded = hosts.TlsFor("registry.example.com")!.ClientCertificate!;
            Assert.True(loaded.HasPrivateKey);
            Assert.Equal("CN=node", loaded.Subject);
            Assert.Throws<FormatException>(() => RegistryHosts.FromJson(JsonNode.Parse("{\"configs\": {\"r\": {\"tls\": {\"cert_file\": \"" + dir + "/cert.pem\", \"key_file\": \"" + dir + "/other-key.pem\"}}}}")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull,push\"", "Bearer", "repository:library/nginx:pull,push")]
    [InlineData("Basic realm=\"Registry Realm\"", "Basic", null)]
    public void Challenges_parse_with_quoted_commas(string header, string scheme, string? scope)
    {
        var challenge = AuthChallenge.Parse(header)!;
        Assert.Equal(scheme, challenge.Scheme);
        Assert.Equal(scope, challenge.Parameters.GetValueOrDefault("scope"));
    }
}
