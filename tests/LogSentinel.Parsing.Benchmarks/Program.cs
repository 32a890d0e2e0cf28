using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(LogSentinel.Parsing.Benchmarks.ParserBenchmarks).Assembly).Run(args);
