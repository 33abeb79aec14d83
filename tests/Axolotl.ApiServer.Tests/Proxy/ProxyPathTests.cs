using System.Net;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Http;
using Axolotl.ApiServer.Proxy;

namespace Axolotl.ApiServer.Tests.Proxy;

public sealed class ProxyPathTests
{
    [Theory]
    [InlineData("/api/v1/namespaces/default/services/web:80/proxy/", "/api/v1/namespaces/default/services/web:80/proxy", "/")]
    [InlineData("/api/v1/namespaces/default/services/web:80/proxy", "/api/v1/namespaces/default/services/web:80/proxy", "")]
    [InlineData("/api/v1/namespaces/default/pods/web/proxy/healthz?x=1", "/api/v1/namespaces/default/pods/web/proxy", "/healthz")]
    [InlineData("/api/v1/namespaces/a/pods/https:web:8443/proxy/a//b/%2F/../c/", "/api/v1/namespaces/a/pods/https:web:8443/proxy", "/a//b/%2F/../c/")]
    [InlineData("/api/v1/nodes/n1/proxy/metrics", "/api/v1/nodes/n1/proxy", "/metrics")]
    public void The_path_after_proxy_is_kept_as_sent(string raw, string prefix, string tail)
    {
        var (segments, proxy) = RequestPath.ParseWithProxyTail(raw);

        Assert.Equal(new ProxyPath(prefix, tail), proxy);
        Assert.Equal("proxy", segments[^1]);
    }

    [Fact]
    public void The_part_before_proxy_is_still_checked_like_any_name()
    {
        Assert.Throws<ApiException>(() => RequestPath.ParseWithProxyTail("/api/v1/namespaces/default/pods/%2E%2E/proxy/"));
        Assert.Equal(["api", "v1", "namespaces", "default", "pods", "web:80", "proxy"], RequestPath.Parse("/api/v1/namespaces/default/pods/web%3A80/proxy/x"));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/pods/web/log/")]
    [InlineData("/api/v1/namespaces/default/configmaps/x/proxy/")]
    public void Other_paths_keep_the_strict_segment_rules(string raw)
    {
        Assert.Throws<ApiException>(() => RequestPath.ParseWithProxyTail(raw));
    }

    [Theory]
    [InlineData("web", "http", "web", "")]
    [InlineData("web:8080", "http", "web", "8080")]
    [InlineData("web:http", "http", "web", "http")]
    [InlineData("https:web:8443", "https", "web", "8443")]
    [InlineData("http:web:", "http", "web", "")]
    public void Names_come_with_an_optional_scheme_and_port(string id, string scheme, string name, string port)
    {
        Assert.Equal(new ProxyId(scheme, name, port), ProxyId.Parse(id));
    }

    [Theory]
    [InlineData("ftp:web:21")]
    [InlineData(":80")]
    [InlineData("a:b:c:d")]
    [InlineData("https::443")]
    public void Malformed_names_are_refused(string id)
    {
        Assert.Null(ProxyId.Parse(id));
    }

    [Theory]
    [InlineData("10.244.0.5", true)]
    [InlineData("192.168.1.10", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("fd00::5", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("fe80::1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("255.255.255.255", false)]
    public void Only_global_unicast_addresses_may_be_proxied_to(string address, bool allowed)
    {
        Assert.Equal(allowed, ProxyAddress.IsAllowed(IPAddress.Parse(address)));
    }
}
