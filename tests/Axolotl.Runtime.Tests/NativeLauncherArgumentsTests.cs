using Axolotl.Runtime;

namespace Axolotl.Runtime.Tests;

public sealed class NativeLauncherArgumentsTests
{
    private static readonly ContainerSpec Spec = new("uid", "app", ["sh", "-c", "echo --log"], new Dictionary<string, string>(), null, "/logs/0.log");

    [Fact]
    public void The_command_line_carries_every_setting_and_the_argv_after_a_double_dash()
    {
        var request = new NativeLauncher.Request("/opt/axolotl-launch", "/state/c.exit", ["/cg/memory/cgroup.procs", "/cg/pids/cgroup.procs"], "axl-uid", "web-0", "/state/hosts", "64m", 4096);

        var arguments = NativeLauncher.Arguments(request, Spec with { WorkingDirectory = "/srv" });

        Assert.Equal(
            ["--exit-file", "/state/c.exit", "--log", "/logs/0.log", "--log-max-bytes", "4096", "--hostname", "web-0",
             "--workdir", "/srv", "--tmp-size", "64m", "--cgroup-procs", "/cg/memory/cgroup.procs", "--cgroup-procs", "/cg/pids/cgroup.procs",
             "--netns", "axl-uid", "--hosts", "/state/hosts", "--", "sh", "-c", "echo --log"],
            arguments);
    }

    [Fact]
    public void A_standby_tells_its_readiness_to_a_fifo_and_a_cold_start_waits_on_it_for_the_bound_before_the_argv()
    {
        var standby = NativeLauncher.Arguments(new NativeLauncher.Request("/l", "/e", [], null, "h", null, "1m", 1, Standby: true, ReadyTo: "/s/app.standby-ready"), Spec);
        var cold = NativeLauncher.Arguments(new NativeLauncher.Request("/l", "/e", [], null, "h", null, "1m", 1, WaitStandby: "/s/app.standby-ready", WaitStandbyMilliseconds: 250), Spec);

        Assert.Equal(["--ready-to", "/s/app.standby-ready"], standby.Skip(standby.IndexOf("--ready-to")).Take(2));
        Assert.Equal(["--wait-standby", "/s/app.standby-ready", "--wait-standby-ms", "250"], cold.Skip(cold.IndexOf("--wait-standby")).Take(4));
        Assert.True(cold.IndexOf("--wait-standby") < cold.IndexOf("--"));
        Assert.DoesNotContain("--wait-standby", standby);
        Assert.DoesNotContain("--ready-to", cold);
    }

    [Fact]
    public void Without_a_network_namespace_hosts_file_or_working_directory_those_are_left_out_and_the_directory_is_root()
    {
        var request = new NativeLauncher.Request("/l", "/e", [], null, "h", null, "1m", 1);

        var arguments = NativeLauncher.Arguments(request, Spec);

        Assert.DoesNotContain("--netns", arguments);
        Assert.DoesNotContain("--hosts", arguments);
        Assert.Equal("/", arguments[arguments.IndexOf("--workdir") + 1]);
    }

    [Fact]
    public void Each_mount_is_a_bind_or_read_only_bind_followed_by_its_target_before_the_argv()
    {
        var request = new NativeLauncher.Request("/l", "/e", [], null, "h", null, "1m", 1);
        var spec = Spec with { Mounts = [new ContainerMount("/v/cache", "/cache", false), new ContainerMount("/v/config", "/etc/app", true)] };

        var arguments = NativeLauncher.Arguments(request, spec);

        var binds = arguments.Skip(arguments.IndexOf("--bind")).Take(9);
        Assert.Equal(["--bind", "/v/cache", "--to", "/cache", "--bind-ro", "/v/config", "--to", "/etc/app", "--"], binds);
    }

    [Fact]
    public void An_image_root_lists_its_layers_top_first_with_the_hostname_file_and_the_user_before_the_argv()
    {
        var request = new NativeLauncher.Request("/l", "/e", [], null, "h", null, "1m", 1, "/state/hostname");
        var spec = Spec with
        {
            Rootfs = new ContainerRootfs(["/layers/top", "/layers/base"], "/c/upper", "/c/work", "/c/rootfs"),
            User = new ContainerUser(1000, 3000, [10, 20]),
        };

        var arguments = NativeLauncher.Arguments(request, spec);

        Assert.Equal(
            ["--rootfs", "/c/rootfs", "--lower", "/layers/top", "--lower", "/layers/base", "--upper", "/c/upper", "--work", "/c/work",
             "--hostname-file", "/state/hostname", "--user", "1000:3000:10,20", "--sec", "caps=a80425fb", "--"],
            arguments.Skip(arguments.IndexOf("--rootfs")).Take(17));
    }

    [Fact]
    public void An_image_root_without_a_security_context_gets_containerds_default_capabilities_from_the_agent_and_the_node_root_none()
    {
        var request = new NativeLauncher.Request("/l", "/e", [], null, "h", null, "1m", 1);
        var image = new ContainerRootfs(["/layers/base"], "/c/upper", "/c/work", "/c/rootfs");

        var withImage = NativeLauncher.Arguments(request, Spec with { Rootfs = image });
        var onNode = NativeLauncher.Arguments(request, Spec);

        Assert.Equal("caps=a80425fb", withImage[withImage.IndexOf("--sec") + 1]);
        Assert.DoesNotContain("--sec", onNode);
    }

    [Fact]
    public void Without_an_image_root_there_is_no_hostname_file_and_a_user_without_groups_has_two_fields()
    {
        var request = new NativeLauncher.Request("/l", "/e", [], null, "h", null, "1m", 1, "/state/hostname");

        var arguments = NativeLauncher.Arguments(request, Spec with { User = new ContainerUser(0, 0, []) });

        Assert.DoesNotContain("--rootfs", arguments);
        Assert.DoesNotContain("--hostname-file", arguments);
        Assert.Equal("0:0", arguments[arguments.IndexOf("--user") + 1]);
    }

    [Theory]
    [InlineData("running 4242", 4242)]
    [InlineData("running 0", null)]
    [InlineData("running", null)]
    [InlineData("runnin 12", null)]
    [InlineData(null, null)]
    public void Only_a_running_line_with_a_pid_means_running(string? line, int? expected) =>
        Assert.Equal(expected, NativeLauncher.ParseRunning(line));

    [Theory]
    [InlineData("exited 0", 0)]
    [InlineData("exited 137", 137)]
    [InlineData("exited 256", null)]
    [InlineData("exited -1", null)]
    [InlineData("exited", null)]
    [InlineData("running 12", null)]
    [InlineData(null, null)]
    public void Only_an_exited_line_with_a_code_reports_the_exit(string? line, int? expected) =>
        Assert.Equal(expected, NativeLauncher.ParseExited(line));

    [Theory]
    [InlineData("exited 1", 1, false, -1L)]
    [InlineData("exited 137 next 2", 137, true, 2L)]
    [InlineData("exited 1 next -1", 1, true, -1L)]
    public void An_exit_line_says_whether_the_next_attempt_went(string line, int code, bool went, long oomKills) =>
        Assert.Equal(new NativeLauncher.ExitLine(code, went, oomKills), NativeLauncher.ParseExitLine(line));

    [Theory]
    [InlineData("exited 1 next")]
    [InlineData("exited 1 later 2")]
    [InlineData("exited 1 next -2")]
    [InlineData("exited 1 next 2 3")]
    [InlineData("exited 1  ")]
    public void A_malformed_exit_line_reports_nothing(string line) =>
        Assert.Null(NativeLauncher.ParseExitLine(line));

    [Theory]
    [InlineData(127, 127)]
    [InlineData(125, 128)]
    [InlineData(126, 128)]
    public void A_missing_executable_keeps_127_and_other_launcher_failures_become_128(int launcherExit, int startError) =>
        Assert.Equal(startError, NativeLauncher.StartErrorCode(launcherExit));

    [Fact]
    public void The_launcher_is_found_only_when_it_exists_and_is_executable()
    {
        var dir = Directory.CreateTempSubdirectory("axolotl-probe-").FullName;
        try
        {
            Assert.Null(RuntimeProbe.FindLauncher(dir));

            var path = Path.Combine(dir, RuntimeProbe.LauncherFileName);
            File.WriteAllText(path, "");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Null(RuntimeProbe.FindLauncher(dir));

            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Assert.Equal(path, RuntimeProbe.FindLauncher(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_build_puts_the_launcher_next_to_the_assemblies_of_projects_that_reference_the_agent()
    {
        Assert.NotNull(RuntimeProbe.FindLauncher(AppContext.BaseDirectory));
    }
}
