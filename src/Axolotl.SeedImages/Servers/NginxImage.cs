using Axolotl.SeedImages.Layers;

namespace Axolotl.SeedImages.Servers;

/// <summary>
/// The nginx image from Debian's nginx (1.22): the official image's layout (nginx.conf with its "main"
/// log format, conf.d/default.conf serving /usr/share/nginx/html, access.log and error.log linked to
/// stdout and stderr, /docker-entrypoint.sh running /docker-entrypoint.d/*.sh) on the Debian root.
/// Every tag runs the same nginx; its Server header names the tag's version (Debian's headers-more
/// module), so a rollout from one tag to another shows, as the seed notes expect.
/// </summary>
public static class NginxImage
{
    /// <summary>What the image is built from: the binary, its configuration files and default page, the header module.</summary>
    public static readonly string[] Packages = ["nginx", "nginx-common", "libnginx-mod-http-headers-more-filter"];

    private const string ModulePath = "/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so";
    private const string ServerHeaderFile = "/etc/nginx/axolotl-server-header.conf";

    public static EntrySet Packaged() => DebianPackagesLayer.Add(new EntrySet(), Packages);

    /// <summary>The official image's configuration and entrypoint, shared by every tag.</summary>
    public static EntrySet Configuration()
    {
        if (!File.Exists(ModulePath))
        {
            throw new MissingInputException("libnginx-mod-http-headers-more-filter", $"{ModulePath} is missing");
        }

        return new EntrySet()
            .Text("/etc/nginx/nginx.conf", NginxConf)
            .Text("/etc/nginx/conf.d/default.conf", DefaultConf)
            .Text("/usr/share/nginx/html/50x.html", ErrorPage)
            .Symlink("/var/log/nginx/access.log", "/dev/stdout")
            .Symlink("/var/log/nginx/error.log", "/dev/stderr")
            .Directory("/var/cache/nginx")
            .Directory("/docker-entrypoint.d")
            .Text("/docker-entrypoint.sh", Entrypoint, (UnixFileMode)0b111_101_101);
    }

    /// <summary>The Server header of one tag's version.</summary>
    public static EntrySet ServerHeader(string version) =>
        new EntrySet().Text(ServerHeaderFile, $"more_set_headers \"Server: nginx/{version}\";\n");

    public static IReadOnlyList<string> Entry => ["/docker-entrypoint.sh"];

    public static IReadOnlyList<string> Command => ["nginx", "-g", "daemon off;"];

    private const string NginxConf = $$"""
        # As the official image's nginx.conf; workers run as Debian's www-data (the official image's user is nginx).
        load_module {{ModulePath}};
        user  www-data;
        worker_processes  auto;

        error_log  /var/log/nginx/error.log notice;
        pid        /run/nginx.pid;

        events {
            worker_connections  1024;
        }

        http {
            include       /etc/nginx/mime.types;
            default_type  application/octet-stream;

            log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                              '$status $body_bytes_sent "$http_referer" '
                              '"$http_user_agent" "$http_x_forwarded_for"';

            access_log  /var/log/nginx/access.log  main;

            sendfile        on;
            keepalive_timeout  65;

            # The image tag's version in the Server header (the binary is Debian's nginx 1.22).
            server_tokens off;
            include {{ServerHeaderFile}};

            include /etc/nginx/conf.d/*.conf;
        }

        """;

    private const string DefaultConf = """
        server {
            listen       80;
            server_name  localhost;

            location / {
                root   /usr/share/nginx/html;
                index  index.html index.htm;
            }

            error_page   500 502 503 504  /50x.html;
            location = /50x.html {
                root   /usr/share/nginx/html;
            }
        }

        """;

    private const string ErrorPage = """
        <!DOCTYPE html>
        <html>
        <head>
        <title>Error</title>
        </head>
        <body>
        <h1>An error occurred.</h1>
        <p>Sorry, the page you are looking for is currently unavailable.<br/>
        Please try again later.</p>
        </body>
        </html>

        """;

    // The official entrypoint's contract: run the executable scripts in /docker-entrypoint.d, then the command.
    private const string Entrypoint = """
        #!/bin/sh
        # Runs the executable *.sh files of /docker-entrypoint.d in order, then the command, as the official nginx image does.
        set -e
        if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
            for f in /docker-entrypoint.d/*.sh; do
                [ -x "$f" ] || continue
                echo "$0: Launching $f"
                "$f"
            done
        fi
        exec "$@"

        """;
}
