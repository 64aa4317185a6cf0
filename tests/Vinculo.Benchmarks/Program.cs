using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Every benchmark of this assembly; BenchmarkDotNet's own arguments choose (--filter '*Planning*', --job short, --list flat).
// Each job builds a copy of this project first: on a busy 2-core machine that takes longer than BenchmarkDotNet's 2 minutes.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15)));
