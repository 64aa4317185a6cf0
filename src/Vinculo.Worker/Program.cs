using Vinculo.Cli;
using Vinculo.Hosting;

if (Failpoints.Problem is { } problem)
{
    await Console.Error.WriteLineAsync(problem);
    return 2;
}

return await VinculoCommandLine.InvokeAsync(args);
