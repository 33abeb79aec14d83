using Axolotl.Api.Core;
using Axolotl.Runtime.Seccomp;
using Axolotl.Runtime.Security;

namespace Axolotl.Runtime.Tests.Seccomp;

public sealed class SeccompProfileResolverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-seccomp-").FullName;

    private string Root => Path.Combine(_dir, "seccomp");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SeccompProfileResolver Resolver(bool seccompDefault = false) =>
        new(Root, new SeccompProgramStore(Path.Combine(_dir, "programs")), seccompDefault, new Version(6, 18));

    private static PodSpec Pod(SeccompProfile? profile = null) => new() { SecurityContext = profile is null ? null : new PodSecurityContext { SeccompProfile = profile } };

    private static Container Container(SeccompProfile? profile = null, bool? privileged = null) =>
        new() { Name = "app", SecurityContext = profile is null && privileged is null ? null : new SecurityContext { SeccompProfile = profile, Privileged = privileged } };

    private static SeccompProfile Type(string type, string? localhost = null) => new() { Type = type, LocalhostProfile = localhost };

    private static uint MkdirAnswer(SeccompProgram program) =>
        BpfInterpreter.Run(BpfInstruction.FromBytes(File.ReadAllBytes(program.Path)), 0xC000003E, 83);

    private SeccompProgram? Resolve(SeccompProfileResolver resolver, PodSpec pod, Container container) =>
        resolver.Resolve(pod, container, LinuxCapabilities.NamesFor(container.SecurityContext));

    [Fact]
    public void Without_a_profile_containers_run_unconfined_unless_the_node_has_seccomp_default()
    {
        Assert.Null(Resolve(Resolver(), Pod(), Container()));
        var program = Resolve(Resolver(seccompDefault: true), Pod(), Container());
        Assert.NotNull(program);
        Assert.Equal(SeccompFilter.FlagSpecAllow, program.Flags);
        Assert.Null(Resolve(Resolver(seccompDefault: true), Pod(Type("Unconfined")), Container()));
    }

    [Fact]
    public void The_containers_profile_wins_over_the_pods_and_privileged_containers_run_unconfined()
    {
        var resolver = Resolver();
        Assert.NotNull(Resolve(resolver, Pod(Type("RuntimeDefault")), Container()));
        Assert.Null(Resolve(resolver, Pod(Type("RuntimeDefault")), Container(Type("Unconfined"))));
        Assert.NotNull(Resolve(resolver, Pod(Type("Unconfined")), Container(Type("RuntimeDefault"))));
        Assert.Null(Resolve(resolver, Pod(Type("RuntimeDefault")), Container(Type("RuntimeDefault"), privileged: true)));
    }

    [Fact]
    public void RuntimeDefault_is_compiled_once_per_capability_set()
    {
        var resolver = Resolver();
        var plain = Resolve(resolver, Pod(Type("RuntimeDefault")), Container());
        var again = Resolve(resolver, Pod(Type("RuntimeDefault")), Container());
        var admin = resolver.Resolve(Pod(Type("RuntimeDefault")), Container(), new HashSet<string>(LinuxCapabilities.DefaultNames) { "CAP_SYS_ADMIN" });
        Assert.Same(plain, again);
        Assert.NotEqual(plain!.Path, admin!.Path);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir, "programs")).Length);
        Assert.Equal(SeccompAction.Allow, BpfInterpreter.Run(BpfInstruction.FromBytes(File.ReadAllBytes(admin.Path)), 0xC000003E, 165)); // mount
        Assert.Equal(SeccompAction.Errno | 1, BpfInterpreter.Run(BpfInstruction.FromBytes(File.ReadAllBytes(plain.Path)), 0xC000003E, 165));
    }

    [Fact]
    public void A_localhost_profile_is_read_from_the_nodes_seccomp_root()
    {
        Directory.CreateDirectory(Path.Combine(Root, "profiles"));
        File.WriteAllText(Path.Combine(Root, "profiles", "no-mkdir.json"),
            """{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}""");
        var program = Resolve(Resolver(), Pod(), Container(Type("Localhost", "profiles/no-mkdir.json")));
        Assert.Equal(SeccompAction.Errno | 13, MkdirAnswer(program!));
    }

    [Fact]
    public void A_missing_localhost_profile_fails_the_creation_with_containerds_message()
    {
        var e = Assert.Throws<SeccompProfileException>(() => Resolve(Resolver(), Pod(Type("Localhost", "profiles/missing.json")), Container()));
        var path = Path.Combine(Root, "profiles", "missing.json");
        Assert.Equal($"failed to create containerd container: cannot load seccomp profile \"{path}\": open {path}: no such file or directory", e.Message);
        Assert.False(e.AtStart);
    }

    [Fact]
    public void An_undecodable_profile_fails_the_creation_and_one_runc_refuses_fails_the_start()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "broken.json"), "{\"defaultAction\": ");
        File.WriteAllText(Path.Combine(Root, "odd.json"), """{"defaultAction": "SCMP_ACT_SOMETIMES"}""");
        var resolver = Resolver();
        var broken = Assert.Throws<SeccompProfileException>(() => Resolve(resolver, Pod(), Container(Type("Localhost", "broken.json"))));
        Assert.Equal($"failed to create containerd container: decoding seccomp profile failed \"{Root}/broken.json\": unexpected end of JSON input", broken.Message);
        Assert.False(broken.AtStart);
        var odd = Assert.Throws<SeccompProfileException>(() => Resolve(resolver, Pod(), Container(Type("Localhost", "odd.json"))));
        Assert.Equal("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: string SCMP_ACT_SOMETIMES is not a valid action for seccomp: unknown", odd.Message);
        Assert.True(odd.AtStart);
    }

    [Fact]
    public void A_profile_path_leaving_the_seccomp_root_is_refused_without_reading_it()
    {
        File.WriteAllText(Path.Combine(_dir, "outside.json"), """{"defaultAction": "SCMP_ACT_ALLOW"}""");
        var e = Assert.Throws<SeccompProfileException>(() => Resolve(Resolver(), Pod(), Container(Type("Localhost", "../outside.json"))));
        Assert.Contains("is outside the seccomp profile root", e.Message, StringComparison.Ordinal);
        Assert.False(e.AtStart);
    }

    [Fact]
    public void Capabilities_follow_containerds_add_and_drop_rules()
    {
        Assert.Equal(LinuxCapabilities.DefaultNames.Order(), LinuxCapabilities.NamesFor(null).Order());
        var context = new SecurityContext { Capabilities = new Capabilities { Add = ["sys_admin", "NET_ADMIN"], Drop = ["CHOWN"] } };
        var set = LinuxCapabilities.NamesFor(context);
        Assert.Contains("CAP_SYS_ADMIN", set);
        Assert.Contains("CAP_NET_ADMIN", set);
        Assert.DoesNotContain("CAP_CHOWN", set);
        Assert.Equal(["CAP_KILL"], LinuxCapabilities.NamesFor(new SecurityContext { Capabilities = new Capabilities { Add = ["KILL"], Drop = ["ALL"] } }));
        Assert.Equal(LinuxCapabilities.AllNames.Count - 1, LinuxCapabilities.NamesFor(new SecurityContext { Capabilities = new Capabilities { Add = ["ALL"], Drop = ["MKNOD"] } }).Count);
    }
}
