using Vinculo.Cli;

return await VinculoCommandLine.InvokeAsync(args);
