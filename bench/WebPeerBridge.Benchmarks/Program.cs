using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/WebPeerBridge.Benchmarks -- --filter '*' --job short --inProcess
BenchmarkSwitcher.FromAssembly(typeof(WebPeerBridge.Benchmarks.CodecReadBenchmarks).Assembly).Run(args);
return 0;
