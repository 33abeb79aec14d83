using Xunit.Abstractions;

namespace Axolotl.Runtime.Tests;

// The runtime tests run once per launcher: the native axolotl-launch and the shell chain it falls back to.

public sealed class NativeLauncherExitTests() : ProcessRuntimeExitTests(nativeLauncher: true);

public sealed class ShellChainExitTests() : ProcessRuntimeExitTests(nativeLauncher: false);

public sealed class NativeLauncherSandboxTests(ITestOutputHelper output) : ProcessRuntimeSandboxTests(output, nativeLauncher: true);

public sealed class ShellChainSandboxTests(ITestOutputHelper output) : ProcessRuntimeSandboxTests(output, nativeLauncher: false);
