// The shared quiet period (tests/Axolotl.Testing/QuietPeriod.cs, linked as source): the one named fixed wait.
// An alias, not a using of Axolotl.Testing, whose Eventually would clash with the harness's.
global using QuietPeriod = Axolotl.Testing.QuietPeriod;
