using System.Text;
using Axolotl.Runtime.Seccomp;

namespace Axolotl.Runtime.Tests.Seccomp;

public sealed class OciSeccompProfileReaderTests
{
    private static OciSeccompProfile Parse(string json) => OciSeccompProfileReader.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_profile_file_reads_as_containerd_unmarshals_it()
    {
        var profile = Parse("""
            {
              "defaultAction": "SCMP_ACT_ERRNO",
              "DefaultErrnoRet": 38,
              "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
              "flags": ["SECCOMP_FILTER_FLAG_LOG"],
              "syscalls": [
                {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
                {"names": ["acct"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "excludes": {"caps": ["CAP_SYS_PACCT"]}, "comment": "Docker's fields are ignored"},
                {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]}
              ],
              "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]
            }
            """);
        Assert.Equal("SCMP_ACT_ERRNO", profile.DefaultAction);
        Assert.Equal(38u, profile.DefaultErrnoRet);
        Assert.Equal(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], profile.Architectures);
        Assert.Equal(["SECCOMP_FILTER_FLAG_LOG"], profile.Flags);
        Assert.Equal(4, profile.Syscalls.Count);
        Assert.Equal(["read", "write"], profile.Syscalls[0].Names);
        Assert.Equal(new OciSeccompArg(0, 8, "SCMP_CMP_EQ"), Assert.Single(profile.Syscalls[1].Args!));
        Assert.Equal(1u, profile.Syscalls[2].ErrnoRet);
        Assert.Equal(new OciSeccompArg(0, 2114060288, "SCMP_CMP_MASKED_EQ", 0), Assert.Single(profile.Syscalls[3].Args!));
    }

    [Fact]
    public void Flags_absent_and_flags_empty_are_told_apart()
    {
        Assert.Null(Parse("""{"defaultAction": "SCMP_ACT_ALLOW"}""").Flags);
        Assert.Empty(Parse("""{"defaultAction": "SCMP_ACT_ALLOW", "flags": []}""").Flags!);
        Assert.True(Parse("{}").Disabled);
        Assert.True(Parse("null").Disabled);
    }

    [Theory]
    [InlineData("", "unexpected end of JSON input")]
    [InlineData("{\"defaultAction\": ", "unexpected end of JSON input")]
    [InlineData("xml?", "invalid character 'x' looking for beginning of value")]
    [InlineData("[]", "json: cannot unmarshal array into Go value of type specs.LinuxSeccomp")]
    [InlineData("{\"defaultAction\": 1}", "json: cannot unmarshal number into Go struct field LinuxSeccomp.defaultAction of type specs.LinuxSeccompAction")]
    [InlineData("{\"syscalls\": {}}", "json: cannot unmarshal object into Go struct field LinuxSeccomp.syscalls of type []specs.LinuxSyscall")]
    [InlineData("{\"syscalls\": [{\"names\": \"mkdir\"}]}", "json: cannot unmarshal string into Go struct field LinuxSyscall.syscalls.names of type []string")]
    [InlineData("{\"syscalls\": [{\"args\": [{\"index\": \"0\"}]}]}", "json: cannot unmarshal string into Go struct field LinuxSeccompArg.syscalls.args.index of type uint")]
    [InlineData("{\"syscalls\": [{\"args\": [{\"value\": -1}]}]}", "json: cannot unmarshal number -1 into Go struct field LinuxSeccompArg.syscalls.args.value of type uint64")]
    public void Bad_files_fail_with_gos_decoding_messages(string json, string message)
    {
        var e = Assert.Throws<FormatException>(() => Parse(json));
        Assert.Equal(message, e.Message);
    }
}
