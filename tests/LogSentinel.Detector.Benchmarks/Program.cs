using BenchmarkDotNet.Running;

// Rule evaluation speed: dotnet run -c Release --project tests/LogSentinel.Detector.Benchmarks -- --filter '*'
// Cost of each rule alone: dotnet run -c Release --project tests/LogSentinel.Detector.Benchmarks -- profile
// Memory per tracked key:  dotnet run -c Release --project tests/LogSentinel.Detector.Benchmarks -- keys 1000000
if (args is ["profile"]) return LogSentinel.Detector.Benchmarks.ProfileRules.Run();
if (args is ["keys", var count])
    return LogSentinel.Detector.Benchmarks.KeyMemory.Measure(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
BenchmarkSwitcher.FromAssembly(typeof(LogSentinel.Detector.Benchmarks.EvaluationBenchmarks).Assembly).Run(args);
return 0;
