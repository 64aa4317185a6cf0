using Vinculo.Bench;

return await BenchCommandLine.InvokeAsync(args);
